"""The integration's configuration (the spec's settings) and Port's credentials."""
