"""Live events: CloudTrail events delivered by EventBridge, and the rules that deliver them."""
