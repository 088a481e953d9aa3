"""Agents: the planner, the generator base class and registry, validator agents."""

from privsynth.agents.generator import Generator
from privsynth.agents.registry import available_generators, get_generator, register_generator

__all__ = ["Generator", "available_generators", "get_generator", "register_generator"]
