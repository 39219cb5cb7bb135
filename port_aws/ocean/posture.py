"""What Port will show of a resync's entities, computed before Port: the relation graph (how many
relations of each type, and any that point at an entity the resync did not produce) and the
shipped scorecards' results (each rule's passing and failing entities, each level's count).

The scorecards' rules are evaluated here with the operators they use, as Port evaluates them;
this is a preview: Port's own evaluation is what the catalog shows. Memory is one identifier per
entity and one per relation target, not the entities themselves.
"""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RESOURCES = Path(__file__).resolve().parents[2] / ".port" / "resources"
BLUEPRINTS = RESOURCES / "blueprints.json"
SCORECARDS = RESOURCES / "scorecards.json"
LEVELS = ("Basic", "Bronze", "Silver", "Gold")
"""Port's default scorecard levels, lowest first; an entity that passes no level is Basic."""
ACCOUNT = "account"
"""Every blueprint's relation to its AWS account: counted apart from resource-to-resource ones."""


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _compare(actual: Any, operator: str, expected: Any) -> bool:
    left, right = _number(actual), _number(expected)
    if left is None or right is None:
        return False
    match operator:
        case ">":
            return left > right
        case ">=":
            return left >= right
        case "<":
            return left < right
        case _:
            return left <= right


def _value(entity: dict[str, Any], prop: str) -> Any:
    meta = {"$identifier": "identifier", "$title": "title", "$blueprint": "blueprint"}
    if prop in meta:
        return entity.get(meta[prop])
    if prop == "$team":
        return entity.get("team")
    return (entity.get("properties") or {}).get(prop)


OPERATORS = frozenset(
    {"=", "!=", ">", ">=", "<", "<=", "isEmpty", "isNotEmpty", "contains", "doesNotContains"}
)
"""The condition operators the preview evaluates (the shipped scorecards use no other)."""


def condition_holds(entity: dict[str, Any], condition: dict[str, Any]) -> bool:
    """One scorecard condition on one entity, as Port evaluates it."""
    actual = _value(entity, str(condition["property"]))
    operator = str(condition["operator"])
    expected = condition.get("value")
    match operator:
        case "=":
            return bool(actual == expected)
        case "!=":
            return bool(actual != expected)
        case ">" | ">=" | "<" | "<=":
            return _compare(actual, operator, expected)
        case "isEmpty":
            return _empty(actual)
        case "isNotEmpty":
            return not _empty(actual)
        case "contains" | "doesNotContains":
            found = isinstance(actual, str | list) and expected in actual
            return found if operator == "contains" else not found
    raise ValueError(f"scorecard operator {operator!r} is not one of {sorted(OPERATORS)}")


def rule_passes(entity: dict[str, Any], rule: dict[str, Any]) -> bool:
    query = rule["query"]
    results = (condition_holds(entity, c) for c in query["conditions"])
    return all(results) if query.get("combinator", "and") == "and" else any(results)


@dataclass
class RuleResult:
    passed: int = 0
    failed: int = 0


@dataclass
class Scorecard:
    blueprint: str
    identifier: str
    title: str
    rules: list[dict[str, Any]]
    results: dict[str, RuleResult] = field(default_factory=dict)
    levels: Counter[str] = field(default_factory=Counter)

    def observe(self, entity: dict[str, Any]) -> None:
        failed_levels = set()
        for rule in self.rules:
            result = self.results.setdefault(rule["identifier"], RuleResult())
            if rule_passes(entity, rule):
                result.passed += 1
            else:
                result.failed += 1
                failed_levels.add(rule["level"])
        level = LEVELS[0]
        for candidate in LEVELS[1:]:
            if candidate in failed_levels:
                break
            level = candidate
        self.levels[level] += 1


def load_scorecards(path: Path = SCORECARDS) -> list[Scorecard]:
    groups = json.loads(path.read_text())
    return [
        Scorecard(group["blueprint"], card["identifier"], card["title"], card["rules"])
        for group in groups
        for card in group["data"]
    ]


def load_relation_targets(path: Path = BLUEPRINTS) -> dict[str, dict[str, str]]:
    """Each blueprint's relations and the blueprint each points at."""
    return {
        blueprint["identifier"]: {
            name: str(relation["target"])
            for name, relation in (blueprint.get("relations") or {}).items()
        }
        for blueprint in json.loads(path.read_text())
    }


@dataclass
class CatalogPreview:
    """Fed every entity a resync upserts (``observe``); then says what Port will show."""

    targets: dict[str, dict[str, str]] = field(default_factory=load_relation_targets)
    scorecards: list[Scorecard] = field(default_factory=load_scorecards)
    identifiers: defaultdict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    pointers: defaultdict[tuple[str, str], set[str]] = field(
        default_factory=lambda: defaultdict(set)
    )
    """(blueprint, relation) -> the target identifiers its entities name."""
    relations: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(blueprint, relation) -> how many (entity, target) pairs."""

    def observe(self, entity: dict[str, Any]) -> None:
        blueprint = str(entity.get("blueprint"))
        self.identifiers[blueprint].add(str(entity.get("identifier")))
        known = self.targets.get(blueprint, {})
        for name, value in (entity.get("relations") or {}).items():
            if name not in known:
                continue
            named = value if isinstance(value, list) else [value]
            for target in named:
                if _empty(target):
                    continue
                self.pointers[(blueprint, name)].add(str(target))
                self.relations[(blueprint, name)] += 1
        for card in self.scorecards:
            if card.blueprint == blueprint:
                card.observe(entity)

    def dangling(self) -> dict[tuple[str, str], list[str]]:
        """Relation targets no entity of the target blueprint has, by (blueprint, relation)."""
        found = {}
        for (blueprint, name), wanted in self.pointers.items():
            present = self.identifiers.get(self.targets[blueprint][name], set())
            missing = sorted(wanted - present)
            if missing:
                found[(blueprint, name)] = missing
        return found

    def relation_types(self) -> list[tuple[str, str]]:
        """Resource-to-resource relation types in use (relations to accounts aside)."""
        return sorted(key for key in self.relations if key[1] != ACCOUNT)

    def render(self) -> list[str]:
        types = self.relation_types()
        dangling = self.dangling()
        lines = [
            f"Relations: {len(types)} resource-to-resource types in use, "
            f"{sum(self.relations[t] for t in types)} relations "
            f"(+{sum(n for k, n in self.relations.items() if k[1] == ACCOUNT)} to accounts), "
            f"{sum(len(m) for m in dangling.values())} dangling",
        ]
        by_source: defaultdict[str, list[str]] = defaultdict(list)
        for blueprint, name in types:
            target = self.targets[blueprint][name]
            by_source[blueprint].append(f"{name}→{target} {self.relations[(blueprint, name)]}")
        width = max([len(b) for b in by_source] + [0])
        lines += [f"  {b:<{width}}  {', '.join(r)}" for b, r in sorted(by_source.items())]
        for (blueprint, name), missing in sorted(dangling.items()):
            shown = ", ".join(missing[:3]) + (
                f" … and {len(missing) - 3} more" if len(missing) > 3 else ""
            )
            lines.append(f"  dangling {blueprint}.{name}: {shown}")
        cards = [c for c in self.scorecards if c.results]
        if cards:
            lines += [
                "",
                "Scorecards (evaluated here as Port will; Port's own results are what it shows):",
            ]
            for card in cards:
                levels = ", ".join(f"{lv} {card.levels[lv]}" for lv in LEVELS if card.levels[lv])
                lines.append(f"  {card.blueprint} · {card.title}: {levels}")
                for rule in card.rules:
                    result = card.results[rule["identifier"]]
                    lines.append(
                        f"    {rule['level']:<6} {rule['title']:<32} "
                        f"{result.passed} pass, {result.failed} fail"
                    )
        return lines
