"""Accounts themselves: every reachable account, and the organization's view of its members."""

from collections.abc import AsyncIterator

from port_aws.catalog.model import Enrichment, Item, LiveEvents, ResourceType, Scope, SliceContext
from port_aws.catalog.parts import always, each_item


async def _account_info(sc: SliceContext) -> AsyncIterator[list[Item]]:
    name = sc.account.name
    if not name:
        # A failure fails the slice: the account is never upserted with its id for a name.
        aliases = await sc.call("iam", "list_account_aliases")
        name = next(iter(aliases.get("AccountAliases") or []), None)
    yield [
        {
            "Id": sc.account.id,
            "Name": name or sc.account.id,
            "Arn": f"arn:{sc.partition}:iam::{sc.account.id}:root",
            **({"Email": sc.account.email} if sc.account.email else {}),
        }
    ]


async def _this_account(sc: SliceContext, _: str) -> Item:
    async for page in _account_info(sc):
        return page[0]
    raise AssertionError("_account_info yields one item")


ACCOUNT_EVENTS = LiveEvents(
    source="iam.amazonaws.com",
    upserts=("CreateAccountAlias", "DeleteAccountAlias"),
    deletes=(),
    ids=("recipientAccountId",),
    read=_this_account,
    not_found=(),
    gone=lambda _, __: None,
)
"""The account's alias is its name when the organization gives none."""


async def _organization_accounts(sc: SliceContext) -> AsyncIterator[list[Item]]:
    discovery = sc.discovery
    if discovery is None or discovery.organization is None:
        return
    # in scope: its awsAccount is what this resync writes (or keeps, when its role was refused)
    synced = {a.id for a in discovery.accounts} | {f.account_id for f in discovery.failures}
    page: list[Item] = []
    for member in discovery.organization:
        page.append(
            {
                **member.raw,
                "ParentId": member.parent_id,
                "OuPath": "/".join(member.ou_path),
                "Synced": member.id in synced,
            }
        )
        if len(page) == 100:
            yield page
            page = []
    if page:
        yield page


def _parents(item: Item, _: SliceContext) -> Item:
    """``Parents`` as ListParents answers it (aws-v3's ListParentsAction), from the parent the
    organization's discovery found the account under: no call per account."""
    parent = str(item.get("ParentId") or "")
    if parent:
        kind = "ROOT" if parent.startswith("r-") else "ORGANIZATIONAL_UNIT"
        item["Parents"] = [{"Id": parent, "Type": kind}]
    return item


async def _organization_tags(sc: SliceContext, item: Item) -> Item:
    answer = await sc.call("organizations", "list_tags_for_resource", ResourceId=item["Id"])
    return {"Tags": answer.get("Tags", [])}


ORDER = 10

TYPES = [
    ResourceType(
        kind="AWS::Account::Info",
        service="iam",
        id="Id",
        scope=Scope.GLOBAL,
        lister=_account_info,
        calls=("list_account_aliases",),
        live_events=ACCOUNT_EVENTS,
    ),
    ResourceType(
        kind="AWS::Organizations::Account",
        service="organizations",
        id="Id",
        scope=Scope.MANAGEMENT_ACCOUNT,
        lister=_organization_accounts,
        no_live_events=(
            "its properties (parent, OU path, whether it is synced) come from the walk of the "
            "whole organization, not from a read of one account"
        ),
        tags=Enrichment(each_item("Id", _organization_tags), ("list_tags_for_resource",)),
        calls=(
            "list_roots",
            "list_accounts_for_parent",
            "list_organizational_units_for_parent",
        ),
        shape=_parents,
        action_aliases=always(
            "ListAccountsAction", "ListTagsForResourceAction", "ListParentsAction"
        ),
    ),
]
