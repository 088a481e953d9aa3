"""Declared generator options: one pydantic model per generator, validated once by the base class.

A generator lists its options as a :class:`GeneratorOptions` subclass (names, types, ranges, defaults and a
description each). :class:`privsynth.agents.Generator` validates the keyword options against it before
anything else, so every generator refuses an unknown option or a bad value the same way, and
``privsynth generators --options NAME`` lists them.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError

from privsynth.errors import ConfigError


class GeneratorOptions(BaseModel):
    """Base of every generator's options model: unknown names are refused, values are checked."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, validate_default=True,
                              populate_by_name=True)

    def as_dict(self) -> dict[str, Any]:
        """The options by their public names (aliases such as ``schema``), values as validated (not dumped)."""
        return {(field.alias or name): getattr(self, name) for name, field in type(self).model_fields.items()}


def option_names(model: type[GeneratorOptions]) -> list[str]:
    """The public option names of a model (a field's alias where it has one, e.g. ``schema``)."""
    return [field.alias or name for name, field in model.model_fields.items()]


def validate_options(generator: str, model: type[GeneratorOptions], options: dict[str, Any]) -> GeneratorOptions:
    """Validate keyword options against a generator's model.

    Args:
        generator: The generator's name (for the message).
        model: Its options model.
        options: The keyword options given.

    Returns:
        The validated options.

    Raises:
        ConfigError: An unknown option, or a value of the wrong type or out of range (one line, with the fix).
    """
    unknown = sorted(set(options) - set(option_names(model)))
    if unknown:
        raise ConfigError(f"Unknown option(s) for {generator}: {unknown}.",
                          f"Use only: {', '.join(option_names(model))} (see `privsynth generators --options "
                          f"{generator}`).")
    try:
        return model(**options)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(p) for p in first["loc"]) or "options"
        raise ConfigError(f"Option '{name}' of {generator}: {first['msg']}.",
                          f"See `privsynth generators --options {generator}` for each option's type and "
                          "range.") from None


def describe_options(model: type[GeneratorOptions]) -> list[dict[str, str]]:
    """One row per option: name, type, default and description (for ``privsynth generators --options``)."""
    return [{"name": field.alias or name, "type": _type_name(field.annotation), "default": repr(field.default),
             "description": field.description or ""} for name, field in model.model_fields.items()]


def _type_name(annotation: Any) -> str:
    """A short readable type: ``int | None``, ``'cells' | 'equal'``."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _type_name(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        return " | ".join(_type_name(a) for a in get_args(annotation))
    if origin is Literal:
        return " | ".join(repr(a) for a in get_args(annotation))
    if annotation is type(None):
        return "None"
    return getattr(origin or annotation, "__name__", str(annotation))
