#!/usr/bin/env bash
# Regenerates the shipped default model from the public dialog corpora, with a fixed seed, and prints
# the SHA-256 of every file it wrote. About 72 minutes on 2 idle CPU cores (see MODEL_CARD.md).
#
#   bash reranker-model-dialog/regenerate.sh [DIALOGS_DIR]     (default: ../shared/data/dialogs)
#
# 1. train: response selection from all-MiniLM-L6-v2 (a fresh pooler and classifier), listwise loss,
#    1 true reply + 7 random replies of other dialogs of the same corpus per group, 3,400 groups from each corpus
#    (Synthetic-Persona-Chat less the dialogs eval --dialogs holds out, DailyDialog++ positives,
#    Topical-Chat less test_rare.json), 1 epoch, batch 16 groups, lr 1e-4, seed 42;
# 2. export: float16 weights, P(upvote) calibrated (Platt) on Topical-Chat test_rare.json's turn
#    ratings, into src/main/resources/dev/reranker/model/dialog/.
set -euo pipefail
cd "$(dirname "$0")/.."
DIALOGS="${1:-../shared/data/dialogs}"
WORK="target/dialog-model"
OUT="reranker-model-dialog/src/main/resources/dev/reranker/model/dialog"

mvn -q -B -DskipTests package
rm -rf "$WORK"
mkdir -p "$WORK"
RUN=(java -Doffline=true -jar examples/target/reranker-examples.jar)
"${RUN[@]}" train --dialogs "$DIALOGS" --init minilm --out "$WORK/checkpoint" \
  --max-per-source 3400 --max-validation 200 --epochs 1 --batch-size 16 --lr 1e-4 \
  --negatives 7 --hard-negatives 0 --loss listwise --seed 42
"${RUN[@]}" export --checkpoint "$WORK/checkpoint" --out "$OUT" --float16 \
  --calibrate-on "$DIALOGS" --max-calibration 2000 --seed 42
