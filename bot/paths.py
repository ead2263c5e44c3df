"""Where the project keeps what it trains and reads."""
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = PROJECT_ROOT / "models"
MODEL_NAME = "madoguchi"
MODEL_PATH = MODELS_DIR / f"{MODEL_NAME}.tar.gz"
KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
DATA_DIR = PROJECT_ROOT / "data"
NLU_EVAL_DIR = PROJECT_ROOT / "tests" / "nlu_eval"
