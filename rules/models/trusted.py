"""Output models built from values the engine computed itself, without validating them a second time.

The engine's outputs (`Analysis` and its reasons) are pydantic models so that callers get types, aliases and the
seed's JSON shape. Validating values the engine has just computed would only check the engine against itself,
and it cost about a fifth of an analysis. `trusted` builds the instance the way
pydantic's own `model_construct` does, minus its per-field Python loop, so the values must already be what
validation would produce:

- every field present, in the model's field order (serialisation follows the order of the instance's dict);
- the model frozen (instances share their set of given fields, see `every_field`);
- the exact types of the annotations (tuples for tuples, floats for floats, a model for a nested model).

`tests/rules/models/test_trusted.py` re-validates built analyses of every mode and compares their JSON.
"""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)

# BaseModel's own attribute paths (validate on set, frozen checks) are what this module steps around.
_new = object.__new__
_set = object.__setattr__


def trusted(model: type[M], values: dict[str, Any]) -> M:
    """An instance of `model` holding `values` (field name → value, every field, in field order) as they are.

    Args:
        model: a pydantic model without private attributes or extra fields.
        values: the instance's fields; the dict becomes the instance's ``__dict__`` and must not be reused.

    Returns:
        The instance; equal to ``model.model_validate(values)`` when the values are valid.
    """
    instance = _new(model)
    _set(instance, "__dict__", values)
    _set(instance, "__pydantic_fields_set__", every_field(model))
    _set(instance, "__pydantic_extra__", None)
    _set(instance, "__pydantic_private__", None)
    return instance


@cache
def every_field(model: type[BaseModel]) -> set[str]:
    """The set of all of `model`'s field names, shared by the instances `trusted` builds.

    Shared, not copied per instance: the models are frozen, so nothing adds to an instance's set, and
    pydantic's `model_copy` gives the copy a set of its own before it changes it.
    """
    return set(model.model_fields)
