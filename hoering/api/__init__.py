"""The read-only open data API (/api/v1/): only what the public pages show."""
