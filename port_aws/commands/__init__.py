"""Command-line commands, one module (``doctor``: one package) each (see ``port_aws.__main__``);
``policy`` is ``make policy``, which regenerates the templates' permissions."""
