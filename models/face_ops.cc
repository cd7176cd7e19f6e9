#include "models/face_ops.h"

#include <algorithm>
#include <cassert>

namespace capsim::models {
namespace {

// The operation of `layer` for `frames` frames.
Operation LayerOp(const FaceLayerSpec& layer, DType dtype, int64_t frames) {
  Operation op;
  switch (layer.op_class) {
    case OpClass::kConv:
      op = Conv2d(layer.name, frames, layer.channels_in, layer.channels_out, layer.height,
                  layer.width, layer.kernel, dtype);
      break;
    case OpClass::kGemm:
      op = Gemm(layer.name, layer.m * frames, layer.n, layer.k, dtype);
      break;
    case OpClass::kAttentionPrefill: {
      // Full (non-causal) attention, possibly cross-attention to fewer keys than queries: the
      // factory supplies the shape fields; FLOPs and bytes (Q, O, K, V once) are set here.
      op = AttentionPrefill(layer.name, frames, layer.heads, layer.heads, layer.head_dim,
                            layer.tokens, std::max(layer.tokens, layer.context), dtype);
      op.kv_len = layer.context;
      const double bhd = static_cast<double>(frames) * static_cast<double>(layer.heads) *
                         static_cast<double>(layer.head_dim);
      const double q = static_cast<double>(layer.tokens), kv = static_cast<double>(layer.context);
      op.flops = 4 * bhd * q * kv;
      op.bytes = (2 * bhd * q + 2 * bhd * kv) * BytesPerElement(dtype);
      break;
    }
    default:  // kMemory (the catalog loader admits no other class)
      op = Memory(layer.name, layer.bytes * static_cast<double>(frames),
                  layer.flops * static_cast<double>(frames), dtype);
      break;
  }
  op.repeat = layer.repeat;
  return op;
}

}  // namespace

std::vector<Operation> FaceFrameOps(const FaceModelSpec& model, int64_t batch_frames) {
  assert(batch_frames >= 1);
  std::vector<Operation> ops;
  if (model.layers.empty()) {
    const double frames = static_cast<double>(batch_frames);
    Operation op;
    op.name = model.name + ".frame";
    op.op_class = OpClass::kConv;
    op.dtype = model.dtype;
    op.batch = batch_frames;
    op.flops = model.flops_per_frame * frames;
    op.bytes = model.params * BytesPerElement(model.dtype) + model.bytes_per_frame * frames;
    ops.push_back(std::move(op));
    return ops;
  }
  ops.reserve(model.layers.size());
  for (const FaceLayerSpec& layer : model.layers) {
    ops.push_back(LayerOp(layer, model.dtype, batch_frames));
  }
  return ops;
}

double FaceLayerFlopsPerFrame(const FaceModelSpec& model) {
  double total = 0;
  for (const FaceLayerSpec& layer : model.layers) {
    const Operation op = LayerOp(layer, model.dtype, 1);
    total += op.flops * op.repeat;
  }
  return total;
}

}  // namespace capsim::models
