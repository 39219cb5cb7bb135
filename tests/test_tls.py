"""Every AWS connection checks the server's name against its certificate.

A loopback TLS server, whose certificate a test CA signs (the client trusts that CA through
``AWS_CA_BUNDLE``, the CA-bundle setting botocore honours), relays the bytes of each connection
to the emulator. A certificate naming the server's address is accepted; one naming another host
is refused before a byte of the request (signed headers, an OIDC token) reaches the server,
directly and through an HTTPS proxy (a loopback CONNECT proxy), and with the resync's shared
connection pool.
"""

import asyncio
import contextlib
import datetime
import ipaddress
import ssl
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import SSLError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from port_aws.aws.arn import parse_role_arn
from port_aws.aws.credentials import resolve_source
from port_aws.aws.tls import SHARED_CONNECTIONS, SharedConnections
from port_aws.config.settings import load_settings
from tests.loopback import loopback_server
from tests.rig import DEFAULT_ACCOUNT, STATIC, Emulator

ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/port-integration"


@dataclass
class Pki:
    ca: Path
    right: tuple[Path, Path]
    """Certificate and key naming 127.0.0.1 and localhost."""
    wrong: tuple[Path, Path]
    """Certificate and key naming sts.amazonaws.com only."""


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _pki(directory: Path) -> Pki:
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("port-aws test CA"))
        .issuer_name(_name("port-aws test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    (directory / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))

    def leaf(stem: str, names: list[x509.GeneralName]) -> tuple[Path, Path]:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(stem))
            .issuer_name(ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                critical=False,
            )
            .sign(ca_key, hashes.SHA256())
        )
        cert_path, key_path = directory / f"{stem}.pem", directory / f"{stem}.key"
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return cert_path, key_path

    right = leaf(
        "right",
        [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")],
    )
    wrong = leaf("wrong", [x509.DNSName("sts.amazonaws.com")])
    return Pki(directory / "ca.pem", right, wrong)


@pytest.fixture
def pki(tmp_path: Path) -> Pki:
    return _pki(tmp_path)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    with contextlib.suppress(OSError):
        writer.close()


@dataclass
class Relay:
    """A loopback TLS server relaying each connection's plaintext to the emulator."""

    url: str
    received: list[int]
    """Bytes of plaintext each connection received from the client."""


@contextlib.asynccontextmanager
async def tls_relay(aws: Emulator, cert: tuple[Path, Path]) -> AsyncIterator[Relay]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*cert)
    target = urlsplit(aws.url)
    received: list[int] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        index = len(received)
        received.append(0)
        upstream_reader, upstream_writer = await asyncio.open_connection(
            target.hostname, target.port
        )

        async def counted() -> None:
            with contextlib.suppress(OSError):
                while data := await reader.read(65536):
                    received[index] += len(data)
                    upstream_writer.write(data)
                    await upstream_writer.drain()
            upstream_writer.close()

        try:
            await asyncio.gather(counted(), _pipe(upstream_reader, writer))
        finally:
            writer.close()
            upstream_writer.close()

    async with loopback_server(handle, context) as port:
        yield Relay(f"https://127.0.0.1:{port}", received)


@contextlib.asynccontextmanager
async def connect_proxy() -> AsyncIterator[str]:
    """A loopback HTTP proxy that opens CONNECT tunnels (to loopback only)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            method, authority, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
            host, port = authority.rsplit(":", 1)
            assert method == "CONNECT" and host == "127.0.0.1", head
            upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
            writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            await writer.drain()
            await asyncio.gather(_pipe(reader, upstream_writer), _pipe(upstream_reader, writer))
        finally:
            writer.close()

    async with loopback_server(handle) as port:
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def trusting(pki: Pki, monkeypatch: pytest.MonkeyPatch) -> Iterator[Pki]:
    """The client trusts the test CA (only), through ``AWS_CA_BUNDLE``; no proxy."""
    monkeypatch.setenv("AWS_CA_BUNDLE", str(pki.ca))
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    yield pki


async def _caller(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The account STS names, asked through ``endpoint`` with the integration's own session."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
    source = await resolve_source(load_settings({**STATIC, "max_attempts": 1}), {})
    async with source.own_session().client("sts") as sts:
        return str((await sts.get_caller_identity())["Account"])


async def test_a_certificate_naming_the_server_is_accepted(
    aws: Emulator, trusting: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with tls_relay(aws, trusting.right) as relay:
        assert await _caller(relay.url, monkeypatch) == DEFAULT_ACCOUNT
        assert sum(relay.received) > 0


async def test_a_certificate_naming_another_host_is_refused(
    aws: Emulator, trusting: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with tls_relay(aws, trusting.wrong) as relay:
        with pytest.raises(SSLError, match="mismatch, certificate is not valid"):
            await _caller(relay.url, monkeypatch)
        assert sum(relay.received) == 0, "request bytes reached the server"


async def test_the_shared_connection_pool_refuses_another_host(
    aws: Emulator, trusting: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = SharedConnections(4)
    token = SHARED_CONNECTIONS.set(shared)
    try:
        async with tls_relay(aws, trusting.wrong) as wrong:
            with pytest.raises(SSLError):
                await _caller(wrong.url, monkeypatch)
            assert sum(wrong.received) == 0
        async with tls_relay(aws, trusting.right) as right:
            assert await _caller(right.url, monkeypatch) == DEFAULT_ACCOUNT
    finally:
        SHARED_CONNECTIONS.reset(token)
        await shared.aclose()


async def test_the_web_identity_token_never_reaches_a_server_of_another_name(
    aws: Emulator, trusting: Pki, token_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Assuming a role with the OIDC token (STS's AssumeRoleWithWebIdentity): the token is in
    the request body, which a server of another name never receives."""
    settings = load_settings({"account_role_arn": ROLE})
    async with tls_relay(aws, trusting.wrong) as relay:
        monkeypatch.setenv("AWS_ENDPOINT_URL", relay.url)
        source = await resolve_source(settings, {})
        assert source.token_file == str(token_file)
        session = source.session_for_role(parse_role_arn(ROLE, "accountRoleArn"))
        with pytest.raises(SSLError):
            credentials = await session.get_credentials()
            await credentials.get_frozen_credentials()
        assert sum(relay.received) == 0


async def test_through_a_proxy_another_host_is_refused_and_the_right_one_accepted(
    aws: Emulator, trusting: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    """aiobotocore's own connector serves proxied connections: it verifies them too."""
    async with connect_proxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy)
        async with tls_relay(aws, trusting.wrong) as wrong:
            with pytest.raises(SSLError):
                await _caller(wrong.url, monkeypatch)
            assert sum(wrong.received) == 0
        async with tls_relay(aws, trusting.right) as right:
            assert await _caller(right.url, monkeypatch) == DEFAULT_ACCOUNT
            assert sum(right.received) > 0
