"""After the deadline: campaigns (form letters), themes, notes, processing status, overview."""
