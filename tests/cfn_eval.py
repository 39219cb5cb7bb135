"""A small evaluator of CloudFormation templates for tests: conditions, rules and intrinsics.

Templates are parsed with cfn-lint's own YAML loader (so ``!Ref``, ``!Sub``... become the
``{"Ref": ...}``/``{"Fn::Sub": ...}`` forms CloudFormation sees). ``Stack(template, params)``
then resolves parameters (defaults included; values checked against ``AllowedValues`` and
``AllowedPattern``, as CloudFormation refuses a stack otherwise), evaluates every condition (``Fn::Equals``,
``Fn::Not``, ``Fn::And``, ``Fn::Or``, ``Condition``; ``Fn::Contains`` in Rules) and resolves property values
(``Ref``, ``Fn::If``, ``Fn::Sub``, ``Fn::Join``, ``Fn::Select``, ``Fn::Split``, ``Fn::GetAtt``),
dropping ``AWS::NoValue``. A resource's ``Ref``/``GetAtt`` resolve to a placeholder
``<Logical>`` / ``<Logical.Attribute>``, since no real stack exists.
"""

import itertools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from cfnlint.decode import cfn_yaml

NO_VALUE = object()
_SUB = re.compile(r"\$\{([^}!][^}]*)\}")


def load(path: Path | str) -> dict[str, Any]:
    return dict(cfn_yaml.load(str(path)))


def loads(text: str) -> dict[str, Any]:
    return dict(cfn_yaml.loads(str(text)))


class Stack:
    def __init__(
        self,
        template: Mapping[str, Any],
        params: Mapping[str, str] | None = None,
        *,
        partition: str = "aws",
        region: str = "us-east-1",
        account: str = "123456789012",
        stack_name: str = "port",
    ) -> None:
        self.template = template
        self.pseudo = {
            "AWS::Partition": partition,
            "AWS::Region": region,
            "AWS::AccountId": account,
            "AWS::StackName": stack_name,
            "AWS::URLSuffix": "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com",
        }
        given = dict(params or {})
        declared = template.get("Parameters", {})
        unknown = set(given) - set(declared)
        assert not unknown, f"parameters not declared in the template: {unknown}"
        self.params: dict[str, Any] = {}
        for name, spec in declared.items():
            if name in given:
                raw = given[name]
            else:
                assert "Default" in spec, f"parameter {name} has no default and was not given"
                raw = str(spec["Default"])
            allowed = spec.get("AllowedValues")
            assert allowed is None or raw in [str(a) for a in allowed], f"{name}={raw!r}"
            pattern = spec.get("AllowedPattern")
            unresolved = raw.startswith("<") and raw.endswith(">")  # another stack's resource
            assert pattern is None or unresolved or re.fullmatch(str(pattern), raw), (
                f"{name}={raw!r} does not match its AllowedPattern"
            )
            self.params[name] = raw.split(",") if spec["Type"] == "CommaDelimitedList" else raw
        self.conditions: dict[str, bool] = {}
        for name in template.get("Conditions", {}):
            self.condition(name)

    # -- conditions ----------------------------------------------------------------------------
    def condition(self, name: str) -> bool:
        if name not in self.conditions:
            self.conditions[name] = self.truth(self.template["Conditions"][name])
        return self.conditions[name]

    def truth(self, node: Any) -> bool:
        assert isinstance(node, Mapping) and len(node) == 1, f"not a condition: {node!r}"
        [(function, args)] = node.items()
        if function == "Condition":
            return self.condition(args)
        if function == "Fn::Equals":
            left, right = (self.resolve(a) for a in args)
            return bool(left == right)
        if function == "Fn::Not":
            return not self.truth(args[0])
        if function == "Fn::And":
            return all(self.truth(a) for a in args)
        if function == "Fn::Or":
            return any(self.truth(a) for a in args)
        if function == "Fn::Contains":  # Rules only: a list parameter holds a string
            values, value = (self.resolve(a) for a in args)
            return value in values
        raise AssertionError(f"unknown condition function {function}")

    def rule_failures(self) -> list[str]:
        """AssertDescriptions of the template's Rules that fail for these parameters."""
        failed = []
        for rule in self.template.get("Rules", {}).values():
            if "RuleCondition" in rule and not self.truth(rule["RuleCondition"]):
                continue
            for assertion in rule["Assertions"]:
                if not self.truth(assertion["Assert"]):
                    failed.append(str(assertion["AssertDescription"]))
        return failed

    # -- values --------------------------------------------------------------------------------
    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.pseudo:
            return self.pseudo[name]
        if name in self.params:
            return self.params[name]
        assert name in self.template["Resources"], f"Ref to unknown {name}"
        assert self.exists(name), f"Ref to {name}, which this parameter set does not create"
        return f"<{name}>"

    def resolve(self, node: Any) -> Any:
        if isinstance(node, list):
            return [v for v in (self.resolve(x) for x in node) if v is not NO_VALUE]
        if not isinstance(node, Mapping):
            return node
        if len(node) == 1:
            [(key, args)] = node.items()
            if key == "Ref":
                return self.ref(args)
            if key == "Fn::If":
                name, yes, no = args
                return self.resolve(yes if self.condition(name) else no)
            if key == "Fn::Sub":
                return self._sub(args)
            if key == "Fn::Join":
                separator, parts = args
                return str(separator).join(str(p) for p in self.resolve(parts))
            if key == "Fn::Select":
                index, values = args
                return self.resolve(values)[int(self.resolve(index))]
            if key == "Fn::Split":
                separator, text = args
                return str(self.resolve(text)).split(separator)
            if key == "Fn::GetAtt":
                logical, attribute = args if isinstance(args, list) else args.split(".", 1)
                assert self.exists(logical), f"GetAtt of {logical}, which is not created"
                return f"<{logical}.{attribute}>"
            if key.startswith("Fn::"):
                raise AssertionError(f"unsupported intrinsic {key}")
        out = {}
        for key, value in node.items():
            resolved = self.resolve(value)
            if resolved is not NO_VALUE:
                out[key] = resolved
        return out

    def _sub(self, args: Any) -> str:
        text, variables = (args, {}) if isinstance(args, str) else args
        values = {name: self.resolve(v) for name, v in variables.items()}

        def one(match: re.Match[str]) -> str:
            name = match[1]
            if name in values:
                return str(values[name])
            if "." in name and name.split(".")[0] in self.template["Resources"]:
                logical, attribute = name.split(".", 1)
                return str(self.resolve({"Fn::GetAtt": [logical, attribute]}))
            return str(self.ref(name))

        return _SUB.sub(one, text).replace("${!", "${")

    # -- the stack -----------------------------------------------------------------------------
    def exists(self, logical: str) -> bool:
        resource = self.template["Resources"][logical]
        return "Condition" not in resource or self.condition(resource["Condition"])

    def resources(self) -> dict[str, str]:
        """Logical id -> type of every resource these parameters create."""
        return {
            name: str(r["Type"])
            for name, r in self.template["Resources"].items()
            if self.exists(name)
        }

    def properties(self, logical: str) -> dict[str, Any]:
        assert self.exists(logical), f"{logical} is not created with these parameters"
        return dict(self.resolve(self.template["Resources"][logical].get("Properties", {})))

    def outputs(self) -> dict[str, Any]:
        found = {}
        for name, output in self.template.get("Outputs", {}).items():
            if "Condition" in output and not self.condition(output["Condition"]):
                continue
            found[name] = self.resolve(output["Value"])
        return found


def combinations(choices: Mapping[str, list[str]]) -> Iterator[dict[str, str]]:
    """Every combination of the given parameter values."""
    names = list(choices)
    for values in itertools.product(*(choices[n] for n in names)):
        yield dict(zip(names, values, strict=True))
