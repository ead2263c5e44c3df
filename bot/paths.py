"""Where the project keeps what it trains and reads."""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = PROJECT_ROOT / "models"
MODEL_NAME = "madoguchi"
MODEL_PATH = MODELS_DIR / f"{MODEL_NAME}.tar.gz"
# The window directory the processes serve and the staff pages write back to. The repository's
# own folder by default; tests (and a deployment that mounts the directory elsewhere) name
# another, so no test ever writes to the repository's files.
KNOWLEDGE_DIR_ENV = "MADOGUCHI_KNOWLEDGE_DIR"
KNOWLEDGE_DIR = Path(os.environ.get(KNOWLEDGE_DIR_ENV) or PROJECT_ROOT / "knowledge").resolve()
DATA_DIR = PROJECT_ROOT / "data"
NLU_EVAL_DIR = PROJECT_ROOT / "tests" / "nlu_eval"
