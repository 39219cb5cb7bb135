"""Development only: a local AWS emulator (moto in server mode, with stand-ins for the calls it
lacks), an emulated organization and the resources the demo, the tests and the bench seed.
Never imported by the runtime (``integration.py``, ``main.py``, the commands but ``demo``)."""
