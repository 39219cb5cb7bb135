"""``python -m port_aws doctor``: the credential chain, the kinds' permissions and live events."""

from port_aws.commands.doctor.report import register as register
