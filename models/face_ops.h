#ifndef CAPSIM_MODELS_FACE_OPS_H_
#define CAPSIM_MODELS_FACE_OPS_H_

#include <cstdint>
#include <vector>

#include "models/catalog.h"
#include "models/operation.h"

namespace capsim::models {

// One GPU's operations to render `batch_frames` frames (of one or several streams) with the
// face model `model` (data/catalog.yaml `face_models`). Layer form: one operation per catalog
// layer with the frames as the batch (conv batch, GEMM rows x frames, attention batch), repeat
// as in the catalog; attention is full (non-causal): 4 x frames x heads x head_dim x tokens x
// context FLOPs. FLOPs form: one kConv operation "<name>.frame" with flops_per_frame x frames
// FLOPs and params x dtype bytes (weights, read once) + bytes_per_frame x frames bytes.
// Requires batch_frames >= 1.
std::vector<Operation> FaceFrameOps(const FaceModelSpec& model, int64_t batch_frames);

// FLOPs of one frame computed from the layer list of `model` (0 when it has none).
double FaceLayerFlopsPerFrame(const FaceModelSpec& model);

}  // namespace capsim::models

#endif  // CAPSIM_MODELS_FACE_OPS_H_
