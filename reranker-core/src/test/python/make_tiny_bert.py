#!/usr/bin/python3
"""Generates the tiny-bert test fixture: an independent PyTorch reference for the Java BERT.

Builds a tiny BERT cross-encoder in plain torch with the exact math of HuggingFace
BertForSequenceClassification (eval mode), then writes into
reranker-core/src/test/resources/fixtures/tiny-bert/:

  config.json        HF-style BERT config (id2label {0: downvote, 1: upvote})
  model.safetensors  HF tensor names with the "bert." prefix; word embeddings F16, every layer-1
                     tensor BF16, the rest F32, plus the I64 buffer bert.embeddings.position_ids
  model.pt           TorchScript (torch.jit.script) of the same model in float32,
                     forward(input_ids, attention_mask, token_type_ids) -> logits [batch, 2]
  expected.json      6 fixed right-padded inputs, float64 reference logits [6, 2] and the last
                     hidden states of row 0 ([len0, 32])

Weights are rounded to their stored precision before anything is computed, so the safetensors
file and model.pt hold exactly the same values. Deterministic (fixed seeds); needs only torch
(Debian's 1.13 works) and numpy. Run from anywhere:

  /usr/bin/python3 reranker-core/src/test/python/make_tiny_bert.py
"""

import json
import math
import os
import struct
import sys
import zipfile
from typing import Dict, List

import numpy as np
import torch
from torch import Tensor, nn

VOCAB_SIZE = 30522
HIDDEN = 32
LAYERS = 2
HEADS = 4
INTERMEDIATE = 64
MAX_POSITIONS = 128
TYPE_VOCAB = 2
NUM_LABELS = 2
ID2LABEL = {0: "downvote", 1: "upvote"}
LAYER_NORM_EPS = 1e-12
INIT_STD = 0.2
SEED = 20240611

# HF's extended attention mask uses the float32 minimum for masked positions.
FLOAT32_MIN = float(torch.finfo(torch.float32).min)

OUT_DIR = os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)),
                 "..", "resources", "fixtures", "tiny-bert"))


# ---------------------------------------------------------------------------------------------
# The model: HF BertForSequenceClassification math, eval mode (dropout is the identity).
# ---------------------------------------------------------------------------------------------

class Embeddings(nn.Module):
    def __init__(self):
        super().__init__()
        self.word_embeddings = nn.Embedding(VOCAB_SIZE, HIDDEN, padding_idx=0)
        self.position_embeddings = nn.Embedding(MAX_POSITIONS, HIDDEN)
        self.token_type_embeddings = nn.Embedding(TYPE_VOCAB, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=LAYER_NORM_EPS)
        self.register_buffer("position_ids", torch.arange(MAX_POSITIONS).expand((1, -1)))

    def forward(self, input_ids: Tensor, token_type_ids: Tensor) -> Tensor:
        seq_length = input_ids.size(1)
        position_ids = self.position_ids[:, :seq_length]
        x = (self.word_embeddings(input_ids)
             + self.token_type_embeddings(token_type_ids)
             + self.position_embeddings(position_ids))
        return self.LayerNorm(x)


class SelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.num_heads = HEADS
        self.head_size = HIDDEN // HEADS
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)

    def split_heads(self, x: Tensor) -> Tensor:
        b, s = x.size(0), x.size(1)
        return x.view(b, s, self.num_heads, self.head_size).permute(0, 2, 1, 3)

    def forward(self, hidden: Tensor, extended_mask: Tensor) -> Tensor:
        q = self.split_heads(self.query(hidden))
        k = self.split_heads(self.key(hidden))
        v = self.split_heads(self.value(hidden))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_size)
        scores = scores + extended_mask
        probs = torch.softmax(scores, dim=-1)
        context = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous()
        b, s = context.size(0), context.size(1)
        return context.view(b, s, self.num_heads * self.head_size)


class SelfOutput(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(HIDDEN, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=LAYER_NORM_EPS)

    def forward(self, hidden: Tensor, residual: Tensor) -> Tensor:
        return self.LayerNorm(self.dense(hidden) + residual)


class Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.self = SelfAttention()
        self.output = SelfOutput()

    def forward(self, hidden: Tensor, extended_mask: Tensor) -> Tensor:
        return self.output(self.self(hidden, extended_mask), hidden)


class Intermediate(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(HIDDEN, INTERMEDIATE)

    def forward(self, hidden: Tensor) -> Tensor:
        return nn.functional.gelu(self.dense(hidden))  # exact erf GELU (approximate='none')


class Output(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(INTERMEDIATE, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=LAYER_NORM_EPS)

    def forward(self, hidden: Tensor, residual: Tensor) -> Tensor:
        return self.LayerNorm(self.dense(hidden) + residual)


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.attention = Attention()
        self.intermediate = Intermediate()
        self.output = Output()

    def forward(self, hidden: Tensor, extended_mask: Tensor) -> Tensor:
        attended = self.attention(hidden, extended_mask)
        return self.output(self.intermediate(attended), attended)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.ModuleList([Layer() for _ in range(LAYERS)])

    def forward(self, hidden: Tensor, extended_mask: Tensor) -> Tensor:
        for layer in self.layer:
            hidden = layer(hidden, extended_mask)
        return hidden


class Pooler(nn.Module):
    def __init__(self):
        super().__init__()
        self.dense = nn.Linear(HIDDEN, HIDDEN)

    def forward(self, hidden: Tensor) -> Tensor:
        return torch.tanh(self.dense(hidden[:, 0]))


class Bert(nn.Module):
    def __init__(self):
        super().__init__()
        self.embeddings = Embeddings()
        self.encoder = Encoder()
        self.pooler = Pooler()
        self.mask_value = FLOAT32_MIN

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> Tensor:
        """Returns the last hidden states [batch, seq, hidden]."""
        dtype = self.embeddings.word_embeddings.weight.dtype
        extended = attention_mask[:, None, None, :].to(dtype)
        extended = (1.0 - extended) * self.mask_value
        hidden = self.embeddings(input_ids, token_type_ids)
        return self.encoder(hidden, extended)


class BertForSequenceClassification(nn.Module):
    def __init__(self):
        super().__init__()
        self.bert = Bert()
        self.classifier = nn.Linear(HIDDEN, NUM_LABELS)

    def hidden_states(self, input_ids: Tensor, attention_mask: Tensor,
                      token_type_ids: Tensor) -> Tensor:
        return self.bert(input_ids, attention_mask, token_type_ids)

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> Tensor:
        hidden = self.bert(input_ids, attention_mask, token_type_ids)
        return self.classifier(self.bert.pooler(hidden))


# ---------------------------------------------------------------------------------------------
# Precision handling.
# ---------------------------------------------------------------------------------------------

def storage_dtype(name: str) -> str:
    if name == "bert.embeddings.position_ids":
        return "I64"
    if name == "bert.embeddings.word_embeddings.weight":
        return "F16"
    if name.startswith("bert.encoder.layer.1."):
        return "BF16"
    return "F32"


def round_to_bf16_bits(values: np.ndarray) -> np.ndarray:
    """float32 -> bfloat16 bits (uint16), round to nearest even on the float32 bits."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounding = ((bits >> 16) & 1) + 0x7FFF
    return ((bits + rounding) >> 16).astype(np.uint16)


def bf16_bits_to_float32(bits: np.ndarray) -> np.ndarray:
    return (bits.astype(np.uint32) << 16).view(np.float32)


def round_weights(model: nn.Module) -> None:
    """Rounds every float tensor to the precision it is stored in, in place."""
    with torch.no_grad():
        for name, param in model.state_dict().items():
            kind = storage_dtype(name)
            if kind == "F16":
                param.copy_(param.half().float())
            elif kind == "BF16":
                rounded = bf16_bits_to_float32(round_to_bf16_bits(param.numpy()))
                param.copy_(torch.from_numpy(rounded.copy()))


def init_weights(model: nn.Module) -> None:
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "LayerNorm.weight" in name:
                param.copy_(1.0 + INIT_STD * torch.randn_like(param))
            else:
                param.normal_(0.0, INIT_STD)


# ---------------------------------------------------------------------------------------------
# Writers.
# ---------------------------------------------------------------------------------------------

DTYPE_SIZE = {"I64": 8, "F32": 4, "F16": 2, "BF16": 2}


def tensor_bytes(tensor: Tensor, kind: str) -> bytes:
    array = tensor.detach().cpu().contiguous().numpy()
    if kind == "I64":
        return array.astype("<i8").tobytes()
    if kind == "F32":
        return array.astype("<f4").tobytes()
    if kind == "F16":
        half = array.astype(np.float16)
        assert np.array_equal(half.astype(np.float32), array), "F16 value not pre-rounded"
        return half.astype("<f2").tobytes()
    if kind == "BF16":
        bits = round_to_bf16_bits(array)
        assert np.array_equal(bf16_bits_to_float32(bits), array), "BF16 value not pre-rounded"
        return bits.astype("<u2").tobytes()
    raise ValueError(kind)


def write_safetensors(path: str, tensors: Dict[str, Tensor]) -> None:
    # Like the safetensors library: larger dtypes first (keeps data aligned), then by name.
    names = sorted(tensors, key=lambda n: (-DTYPE_SIZE[storage_dtype(n)], n))
    header: Dict[str, object] = {"__metadata__": {"format": "pt"}}
    blobs: List[bytes] = []
    offset = 0
    for name in names:
        kind = storage_dtype(name)
        blob = tensor_bytes(tensors[name], kind)
        header[name] = {
            "dtype": kind,
            "shape": list(tensors[name].shape),
            "data_offsets": [offset, offset + len(blob)],
        }
        blobs.append(blob)
        offset += len(blob)
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    header_bytes += b" " * ((8 - len(header_bytes) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for blob in blobs:
            f.write(blob)


def strip_debug_info(path: str) -> None:
    """Drops the *.debug_pkl records from a TorchScript archive.

    They hold source ranges with this script's absolute path; libtorch does not need them. The
    archive is rewritten with torch's own writer, which keeps tensor records aligned.
    """
    with zipfile.ZipFile(path) as archive:
        records = [(info.filename.split("/", 1)[1], archive.read(info.filename))
                   for info in archive.infolist()]
    tmp = os.path.splitext(path)[0] + ".tmp"  # the archive is named after the file: "model"
    writer = torch._C.PyTorchFileWriter(tmp)
    for name, data in records:
        if name.endswith(".debug_pkl") or name in ("version", ".data/version"):
            continue  # the writer adds the version record itself
        writer.write_record(name, data, len(data))
    writer.write_end_of_file()
    del writer
    os.replace(tmp, path)


def config_json() -> str:
    config = {
        "architectures": ["BertForSequenceClassification"],
        "attention_probs_dropout_prob": 0.1,
        "classifier_dropout": None,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "hidden_size": HIDDEN,
        "id2label": {str(k): v for k, v in ID2LABEL.items()},
        "initializer_range": INIT_STD,
        "intermediate_size": INTERMEDIATE,
        "label2id": {v: k for k, v in ID2LABEL.items()},
        "layer_norm_eps": LAYER_NORM_EPS,
        "max_position_embeddings": MAX_POSITIONS,
        "model_type": "bert",
        "num_attention_heads": HEADS,
        "num_hidden_layers": LAYERS,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
        "type_vocab_size": TYPE_VOCAB,
        "use_cache": True,
        "vocab_size": VOCAB_SIZE,
    }
    # Same layout as transformers' PretrainedConfig.to_json_string.
    return json.dumps(config, indent=2, sort_keys=True) + "\n"


def make_inputs():
    """Six fixed pair sequences: [CLS] a [SEP] (b [SEP]), right-padded to the longest."""
    rng = np.random.RandomState(SEED)
    # (length, length of the first segment including [CLS] and its [SEP]; None = single segment)
    shapes = [(14, 6), (40, 17), (3, None), (27, 11), (9, 4), (22, None)]
    ids, types = [], []
    for length, first in shapes:
        body = rng.randint(1000, VOCAB_SIZE, size=length).tolist()
        body[0] = 101
        body[-1] = 102
        row_types = [0] * length
        if first is not None:
            body[first - 1] = 102
            for j in range(first, length):
                row_types[j] = 1
        ids.append(body)
        types.append(row_types)
    width = max(len(r) for r in ids)
    input_ids = [r + [0] * (width - len(r)) for r in ids]
    token_type_ids = [r + [0] * (width - len(r)) for r in types]
    attention_mask = [[1] * len(r) + [0] * (width - len(r)) for r in ids]
    lengths = [len(r) for r in ids]
    return input_ids, attention_mask, token_type_ids, lengths


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":
        # TorchScript serialises some module constants in set order: fix the hash seed so that
        # model.pt comes out byte-identical on every run.
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable] + sys.argv)
    torch.manual_seed(SEED)
    model = BertForSequenceClassification().eval()
    init_weights(model)
    round_weights(model)
    os.makedirs(OUT_DIR, exist_ok=True)

    write_safetensors(os.path.join(OUT_DIR, "model.safetensors"), model.state_dict())
    with open(os.path.join(OUT_DIR, "config.json"), "w", encoding="utf-8") as f:
        f.write(config_json())

    input_ids, attention_mask, token_type_ids, lengths = make_inputs()
    ids_t = torch.tensor(input_ids, dtype=torch.int64)
    mask_t = torch.tensor(attention_mask, dtype=torch.int64)
    types_t = torch.tensor(token_type_ids, dtype=torch.int64)

    with torch.no_grad():
        scripted = torch.jit.script(model)
        scripted.save(os.path.join(OUT_DIR, "model.pt"))
        strip_debug_info(os.path.join(OUT_DIR, "model.pt"))
        logits32 = torch.jit.load(os.path.join(OUT_DIR, "model.pt"))(ids_t, mask_t, types_t)

        reference = BertForSequenceClassification().eval()
        reference.load_state_dict(model.state_dict())
        reference = reference.double()
        logits64 = reference(ids_t, mask_t, types_t)
        hidden64 = reference.hidden_states(ids_t, mask_t, types_t)

    print("float32 TorchScript vs float64 max |diff|:",
          float((logits32.double() - logits64).abs().max()))
    print("logits:\n", logits64.numpy())

    expected = {
        "description": "make_tiny_bert.py: float64 reference outputs of the tiny BERT",
        "input_ids": input_ids,
        "attention_mask": attention_mask,
        "token_type_ids": token_type_ids,
        "lengths": lengths,
        "labels": [ID2LABEL[i] for i in range(NUM_LABELS)],
        "logits": logits64.tolist(),
        "last_hidden_state_row0": hidden64[0, : lengths[0]].tolist(),
    }
    with open(os.path.join(OUT_DIR, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print("wrote", OUT_DIR)


if __name__ == "__main__":
    main()
