"""Dialogue acts that carry no worry of their own (the intents of data/nlu/dialogue.yml)."""

# Short dialogue acts read with this confidence are not asked the safety question: with so few
# words the crisis model's score sits in the uncertain band for want of evidence either way.
PLAIN_DIALOGUE_ACTS = ("greet", "goodbye", "thanks", "affirm", "deny", "ask_contact_hours", "ask_human",
                       "bot_challenge", "inform_municipality")
PLAIN_ACT_CONFIDENCE = 0.8
# Acts a short worry is most often mistaken for (「仕事をクビになりました」 read as thanks).
SOCIAL_ACTS = ("greet", "goodbye", "thanks", "affirm", "bot_challenge")
