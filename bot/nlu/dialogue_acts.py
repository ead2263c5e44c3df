"""Dialogue acts that carry no worry of their own (the intents of data/nlu/dialogue.yml)."""

# Short dialogue acts read with this confidence are not asked the safety question: with so few
# words the crisis model's score sits in the uncertain band for want of evidence either way.
PLAIN_DIALOGUE_ACTS = ("greet", "goodbye", "thanks", "affirm", "deny", "ask_contact_hours", "ask_human",
                       "bot_challenge", "inform_municipality")
PLAIN_ACT_CONFIDENCE = 0.8
# Questions about the service itself (its hours, which municipality). Read with that confidence
# they carry no evidence of danger at all: the crisis model's score for 「今日はもう閉まってますか」
# came mostly from the mean word vector of its few words and raised the emergency banner.
SERVICE_QUESTIONS = ("ask_contact_hours", "inform_municipality")
# Acts a short worry is most often mistaken for (「仕事をクビになりました」 read as thanks).
SOCIAL_ACTS = ("greet", "goodbye", "thanks", "affirm", "bot_challenge")
