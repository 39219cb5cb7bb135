"""What Ocean does with a resync's items: the batch entity processor, JQ checks, the offline
harness (preview, demo) and what Port will show."""
