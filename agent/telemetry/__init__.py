"""Telemetry of the agent runtime: one record per invocation, handed to a recorder."""

from agent.telemetry.record import InvocationRecord, NullRecorder, Recorder

__all__ = ["InvocationRecord", "NullRecorder", "Recorder"]
