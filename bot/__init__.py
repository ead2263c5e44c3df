"""窓口ナビ: Japanese intake and referral for municipal welfare windows."""
import os

# No network at run time except localhost: Rasa's telemetry and its Sentry error
# reporting would otherwise try to reach the internet.
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
