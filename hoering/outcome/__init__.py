"""The outcome of a consultation: dispositions, the høringsoppsummering, the public result."""
