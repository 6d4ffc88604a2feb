"""A lazy translation reaches templates as markup, so it never carries data from people."""

import ast
from pathlib import Path

import hoering

LAZY_NAMES = {"_l", "lazy_gettext", "lazy_ngettext"}


def _is_constant(node: ast.expr) -> bool:
    """A literal, or a module constant by its UPPER_CASE name."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id.isupper()
    if isinstance(node, ast.Attribute):
        return node.attr.isupper()
    return False


def test_lazy_translations_take_only_constants_as_placeholders():
    offenders = []
    for path in Path(hoering.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id in LAZY_NAMES:
                values = [keyword.value for keyword in node.keywords] + node.args[1:]
                if not all(_is_constant(value) for value in values):
                    offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == [], "use gettext (_) when a placeholder holds data: " + ", ".join(offenders)
