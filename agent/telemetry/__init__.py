"""Telemetry of the agent runtime: one record per invocation, handed to a recorder."""

from agent.telemetry.record import InvocationRecord, NullRecorder, Recorder

__all__ = ["InvocationRecord", "NullRecorder", "Recorder", "recorder_from_env"]


def recorder_from_env() -> Recorder:
    """The recorder the runtime should use, chosen from the environment.

    Metrics are off until a CloudWatch publisher is configured, so this returns a `NullRecorder`.
    """
    return NullRecorder()
