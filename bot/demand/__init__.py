"""The anonymous demand log: what residents needed, never who they are or what they wrote."""
from bot.demand.event import ConfidenceBand, DemandEvent, Outcome
from bot.demand.store import DemandLog, default_database_url

__all__ = ["ConfidenceBand", "DemandEvent", "DemandLog", "Outcome", "default_database_url"]
