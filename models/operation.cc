#include "models/operation.h"

#include <cassert>

namespace capsim::models {

double BytesPerElement(DType t) {
  switch (t) {
    case DType::kFP32:
      return 4;
    case DType::kBF16:
    case DType::kFP16:
      return 2;
    case DType::kFP8:
      return 1;
  }
  return 2;
}

std::string_view DTypeName(DType t) {
  switch (t) {
    case DType::kFP32:
      return "fp32";
    case DType::kBF16:
      return "bf16";
    case DType::kFP16:
      return "fp16";
    case DType::kFP8:
      return "fp8";
  }
  return "?";
}

std::string_view OpClassName(OpClass c) {
  switch (c) {
    case OpClass::kGemm:
      return "gemm";
    case OpClass::kAttentionPrefill:
      return "attention_prefill";
    case OpClass::kAttentionDecode:
      return "attention_decode";
    case OpClass::kMemory:
      return "memory";
    case OpClass::kConv:
      return "conv";
    case OpClass::kCollective:
      return "collective";
  }
  return "?";
}

std::string_view CollectiveName(CollectiveKind c) {
  switch (c) {
    case CollectiveKind::kAllReduce:
      return "all_reduce";
    case CollectiveKind::kAllGather:
      return "all_gather";
    case CollectiveKind::kReduceScatter:
      return "reduce_scatter";
    case CollectiveKind::kAllToAll:
      return "all_to_all";
  }
  return "?";
}

Operation Gemm(std::string name, int64_t m, int64_t n, int64_t k, DType dtype) {
  assert(m > 0 && n > 0 && k > 0);
  Operation op;
  op.name = std::move(name);
  op.op_class = OpClass::kGemm;
  op.dtype = dtype;
  op.m = m;
  op.n = n;
  op.k = k;
  const double dm = static_cast<double>(m), dn = static_cast<double>(n), dk = static_cast<double>(k);
  op.flops = 2 * dm * dn * dk;
  op.bytes = (dm * dk + dk * dn + dm * dn) * BytesPerElement(dtype);
  return op;
}

namespace {

Operation AttentionBase(std::string name, OpClass c, int64_t batch, int64_t heads,
                        int64_t kv_heads, int64_t head_dim, int64_t q_len, int64_t kv_len,
                        DType dtype) {
  assert(batch > 0 && heads > 0 && kv_heads > 0 && head_dim > 0 && q_len > 0);
  assert(kv_len >= q_len && heads % kv_heads == 0);
  Operation op;
  op.name = std::move(name);
  op.op_class = c;
  op.dtype = dtype;
  op.batch = batch;
  op.heads = heads;
  op.kv_heads = kv_heads;
  op.head_dim = head_dim;
  op.q_len = q_len;
  op.kv_len = kv_len;
  return op;
}

}  // namespace

Operation AttentionPrefill(std::string name, int64_t batch, int64_t heads, int64_t kv_heads,
                           int64_t head_dim, int64_t q_len, int64_t kv_len, DType dtype) {
  Operation op = AttentionBase(std::move(name), OpClass::kAttentionPrefill, batch, heads,
                               kv_heads, head_dim, q_len, kv_len, dtype);
  const double q = static_cast<double>(q_len), past = static_cast<double>(kv_len - q_len);
  const double pairs = q * past + q * (q + 1) / 2;  // causal within the new chunk
  const double b = static_cast<double>(batch), d = static_cast<double>(head_dim);
  op.flops = 4 * b * static_cast<double>(heads) * d * pairs;  // QK^T and PV
  op.bytes = (2 * b * static_cast<double>(heads) * q * d +                          // Q, O
              2 * b * static_cast<double>(kv_heads) * static_cast<double>(kv_len) * d) *  // K, V
             BytesPerElement(dtype);
  return op;
}

Operation AttentionDecode(std::string name, int64_t batch, int64_t heads, int64_t kv_heads,
                          int64_t head_dim, int64_t kv_len, DType dtype) {
  Operation op = AttentionBase(std::move(name), OpClass::kAttentionDecode, batch, heads,
                               kv_heads, head_dim, 1, kv_len, dtype);
  const double b = static_cast<double>(batch), d = static_cast<double>(head_dim);
  op.flops = 4 * b * static_cast<double>(heads) * d * static_cast<double>(kv_len);
  op.bytes = (2 * b * static_cast<double>(heads) * d +
              2 * b * static_cast<double>(kv_heads) * static_cast<double>(kv_len) * d) *
             BytesPerElement(dtype);
  return op;
}

Operation Memory(std::string name, double bytes, double flops, DType dtype) {
  assert(bytes >= 0 && flops >= 0);
  Operation op;
  op.name = std::move(name);
  op.op_class = OpClass::kMemory;
  op.dtype = dtype;
  op.bytes = bytes;
  op.flops = flops;
  return op;
}

Operation Conv2d(std::string name, int64_t batch, int64_t channels_in, int64_t channels_out,
                 int64_t height, int64_t width, int64_t kernel, DType dtype) {
  assert(batch > 0 && channels_in > 0 && channels_out > 0 && height > 0 && width > 0);
  assert(kernel > 0);
  Operation op;
  op.name = std::move(name);
  op.op_class = OpClass::kConv;
  op.dtype = dtype;
  op.batch = batch;
  op.channels_in = channels_in;
  op.channels_out = channels_out;
  op.height = height;
  op.width = width;
  op.kernel = kernel;
  const double b = static_cast<double>(batch), ci = static_cast<double>(channels_in);
  const double co = static_cast<double>(channels_out);
  const double hw = static_cast<double>(height) * static_cast<double>(width);
  const double kk = static_cast<double>(kernel) * static_cast<double>(kernel);
  op.flops = 2 * b * co * hw * ci * kk;
  op.bytes = (b * ci * hw + b * co * hw + co * ci * kk) * BytesPerElement(dtype);
  return op;
}

Operation Collective(std::string name, CollectiveKind kind, LinkTier tier, int64_t ranks,
                     double bytes, DType dtype) {
  assert(ranks >= 1 && bytes >= 0);
  Operation op;
  op.name = std::move(name);
  op.op_class = OpClass::kCollective;
  op.dtype = dtype;
  op.collective = kind;
  op.tier = tier;
  op.ranks = ranks;
  op.bytes = bytes;
  return op;
}

double TotalFlops(const std::vector<Operation>& ops) {
  double total = 0;
  for (const Operation& op : ops) total += op.flops * op.repeat;
  return total;
}

}  // namespace capsim::models
