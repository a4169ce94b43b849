#!/usr/bin/env bash
# Regenerates the shipped default model from the public dialog corpora, with a fixed seed, and prints
# the SHA-256 of every file it wrote. About 78 minutes on 2 idle CPU cores (see MODEL_CARD.md).
#
#   bash reranker-model-dialog/regenerate.sh [DIALOGS_DIR]     (default: ../shared/data/dialogs)
#
# 1. train: response selection from all-MiniLM-L6-v2 (a fresh pooler and classifier), listwise loss,
#    1 true reply + 7 random replies of other dialogs of the same corpus per group, 3,400 groups from each corpus
#    (Synthetic-Persona-Chat less the dialogs eval --dialogs holds out, DailyDialog++ positives,
#    Topical-Chat less test_rare.json), 1 epoch, batch 16 groups, lr 1e-4, seed 42;
# 2. export: float16 weights, P(upvote) calibrated (Platt) on Topical-Chat test_rare.json's turn
#    ratings, and the evidence blend (the cross-encoder's logit with all-MiniLM-L6-v2's similarity
#    of the reply to the last turn and to the persona facts) fitted on 300 groups of 20 per corpus
#    of train's validation side, then calibrated on the same turns, into
#    src/main/resources/dev/reranker/model/dialog/ (about 6 minutes more).
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
  --calibrate-on "$DIALOGS" --max-calibration 2000 --seed 42 \
  --evidence-from "$DIALOGS" --evidence-groups 300
