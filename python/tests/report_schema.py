"""docs/report.schema.json and the strict validator every test uses on every report.

Strict: JSON Schema's "number" also accepts 2 and its "integer" also accepts 2.0; here "number"
accepts only what JSON wrote with a fraction or exponent (a Python float after json.loads) and
"integer" only what it wrote without, so a float written as an int (or the reverse) fails."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema  # a missing validator fails the suite (scripts/python-tests.sh installs it)

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "report.schema.json"
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# The operators' names (the `operator` values), also keys of labels.operator_label_energy.
_OPERATOR_NAMES = {"L", "G", "A_n"}


def _validator_class():
    base = jsonschema.Draft202012Validator
    checker = base.TYPE_CHECKER.redefine_many({
        "number": lambda _, x: isinstance(x, float),
        "integer": lambda _, x: isinstance(x, int) and not isinstance(x, bool),
    })
    return jsonschema.validators.extend(base, type_checker=checker)


def load_schema() -> dict:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


_VALIDATOR = None


def validator():
    global _VALIDATOR
    if _VALIDATOR is None:
        _VALIDATOR = _validator_class()(load_schema())
    return _VALIDATOR


def camel_case_keys(value, path="") -> list[str]:
    """Object keys anywhere in ``value`` that are not lower case (snake_case, or a value name
    such as simclr-degree), operator names (L, G, A_n) excepted."""
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            if not _KEY.match(k) and k not in _OPERATOR_NAMES:
                found.append(path + k)
            found += camel_case_keys(v, path + k + ".")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            found += camel_case_keys(v, f"{path}{i}.")
    return found


def report_errors(report: dict) -> list[str]:
    """Every schema violation and non-lower-case key of ``report``; empty when it is valid."""
    errors = ["/".join(map(str, e.absolute_path)) + ": " + e.message
              for e in validator().iter_errors(report)]
    # oneOf reports only "not valid under any"; the branch of its command says which key.
    kind = report.get("command") if isinstance(report, dict) else None
    defs = validator().schema["$defs"]
    if errors and f"{kind}_report" in defs:
        branch = _validator_class()({**defs[f"{kind}_report"], "$defs": defs})
        errors += [f"{kind}: " + "/".join(map(str, e.absolute_path)) + ": " + e.message
                   for e in branch.iter_errors(report)]
    return errors + [f"key not snake_case: {k}" for k in camel_case_keys(report)]


def assert_valid(report: dict, origin: str = "report") -> None:
    errors = report_errors(report)
    assert not errors, f"{origin} does not match {SCHEMA_PATH.name}:\n" + "\n".join(errors[:20])
