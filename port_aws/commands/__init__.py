"""Command-line commands, one module each (see ``port_aws.__main__``)."""
