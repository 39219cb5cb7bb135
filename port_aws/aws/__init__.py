"""AWS settings, credentials and calls: sessions, TLS, Organizations accounts, regions, ARNs,
IAM action names, bounds on every read and the error codes AWS answers."""
