#include "kernels/cuda/cublaslt_gemm.h"

#include <cstdint>
#include <span>
#include <string>

namespace capsim::kernels {

Status cublas_status(cublasStatus_t status, const char* what) {
  if (status == CUBLAS_STATUS_SUCCESS) return Status::Ok();
  return Status::Error(std::string(what) + ": " + cublasLtGetStatusString(status));
}

#define CAPSIM_CUBLAS_TRY(expr) CAPSIM_KERNELS_TRY(::capsim::kernels::cublas_status((expr), #expr))

CublasLtHandle::~CublasLtHandle() {
  if (handle_ != nullptr) (void)cublasLtDestroy(handle_);
}

Status CublasLtHandle::create(std::size_t workspace_bytes) {
  if (handle_ == nullptr) CAPSIM_CUBLAS_TRY(cublasLtCreate(&handle_));
  return workspace_.allocate(workspace_bytes);
}

namespace {

struct MatmulDescDeleter {
  void operator()(cublasLtMatmulDescOpaque_t* d) const { (void)cublasLtMatmulDescDestroy(d); }
};
struct LayoutDeleter {
  void operator()(cublasLtMatrixLayoutOpaque_t* d) const { (void)cublasLtMatrixLayoutDestroy(d); }
};
struct PreferenceDeleter {
  void operator()(cublasLtMatmulPreferenceOpaque_t* d) const { (void)cublasLtMatmulPreferenceDestroy(d); }
};
using MatmulDesc = std::unique_ptr<cublasLtMatmulDescOpaque_t, MatmulDescDeleter>;
using Layout = std::unique_ptr<cublasLtMatrixLayoutOpaque_t, LayoutDeleter>;
using Preference = std::unique_ptr<cublasLtMatmulPreferenceOpaque_t, PreferenceDeleter>;

Status make_layout(cudaDataType_t type, std::int64_t rows, std::int64_t cols, std::int64_t ld, Layout* out) {
  cublasLtMatrixLayout_t raw = nullptr;
  CAPSIM_CUBLAS_TRY(cublasLtMatrixLayoutCreate(&raw, type, static_cast<std::uint64_t>(rows),
                                               static_cast<std::uint64_t>(cols), ld));
  out->reset(raw);
  return Status::Ok();
}

}  // namespace

struct LtGemmPlan::Impl {
  cublasLtHandle_t handle = nullptr;
  void* workspace = nullptr;
  std::size_t workspace_bytes = 0;
  LtGemmType type = LtGemmType::kBF16;
  MatmulDesc desc;
  Layout a, b, c;
  cublasLtMatmulAlgo_t algo{};
  DeviceBuffer<float> unit_scale;  // FP8: scale pointers present while the algorithm is chosen
};

LtGemmPlan::LtGemmPlan() = default;
LtGemmPlan::~LtGemmPlan() = default;
LtGemmPlan::LtGemmPlan(LtGemmPlan&&) noexcept = default;
LtGemmPlan& LtGemmPlan::operator=(LtGemmPlan&&) noexcept = default;

Status LtGemmPlan::init(const CublasLtHandle& lt, LtGemmType type, const GemmShape& s) {
  if (lt.get() == nullptr) return Status::Error("cuBLASLt GEMM: handle not created");
  if (s.m < 1 || s.n < 1 || s.k < 1) return Status::Error("cuBLASLt GEMM: m, n, k must be >= 1");
  auto impl = std::make_unique<Impl>();
  impl->handle = lt.get();
  impl->workspace = lt.workspace();
  impl->workspace_bytes = lt.workspace_bytes();
  impl->type = type;

  const cudaDataType_t in_type = type == LtGemmType::kBF16 ? CUDA_R_16BF : CUDA_R_8F_E4M3;
  cublasLtMatmulDesc_t raw_desc = nullptr;
  CAPSIM_CUBLAS_TRY(cublasLtMatmulDescCreate(&raw_desc, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  impl->desc.reset(raw_desc);
  const cublasOperation_t trans_a = CUBLAS_OP_T, trans_b = CUBLAS_OP_N;
  CAPSIM_CUBLAS_TRY(cublasLtMatmulDescSetAttribute(raw_desc, CUBLASLT_MATMUL_DESC_TRANSA, &trans_a, sizeof(trans_a)));
  CAPSIM_CUBLAS_TRY(cublasLtMatmulDescSetAttribute(raw_desc, CUBLASLT_MATMUL_DESC_TRANSB, &trans_b, sizeof(trans_b)));

  // Column-major view: A = W stored k x n (ld k), B = X stored k x m (ld k), C = D = Y^T n x m (ld n).
  CAPSIM_KERNELS_TRY(make_layout(in_type, s.k, s.n, s.k, &impl->a));
  CAPSIM_KERNELS_TRY(make_layout(in_type, s.k, s.m, s.k, &impl->b));
  CAPSIM_KERNELS_TRY(make_layout(CUDA_R_16BF, s.n, s.m, s.n, &impl->c));

  // FP8: the algorithm must be chosen with the per-tensor scale pointers set (without them
  // cuBLASLt may pick a kernel without scaling, and cublasLtMatmul then reports "not supported"
  // once run() sets the caller's pointers). The plan's own 1.0 scales stand in until run().
  if (type == LtGemmType::kFP8E4M3) {
    CAPSIM_KERNELS_TRY(impl->unit_scale.allocate(1));
    const float one[1] = {1.0f};
    CAPSIM_KERNELS_TRY(impl->unit_scale.upload(std::span<const float>(one)));
    const float* scale = impl->unit_scale.get();
    CAPSIM_CUBLAS_TRY(cublasLtMatmulDescSetAttribute(raw_desc, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &scale, sizeof(scale)));
    CAPSIM_CUBLAS_TRY(cublasLtMatmulDescSetAttribute(raw_desc, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, &scale, sizeof(scale)));
  }

  cublasLtMatmulPreference_t raw_pref = nullptr;
  CAPSIM_CUBLAS_TRY(cublasLtMatmulPreferenceCreate(&raw_pref));
  Preference pref(raw_pref);
  const std::uint64_t ws = impl->workspace_bytes;
  CAPSIM_CUBLAS_TRY(cublasLtMatmulPreferenceSetAttribute(raw_pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof(ws)));

  cublasLtMatmulHeuristicResult_t result{};
  int found = 0;
  CAPSIM_CUBLAS_TRY(cublasLtMatmulAlgoGetHeuristic(impl->handle, raw_desc, impl->a.get(), impl->b.get(), impl->c.get(),
                                                   impl->c.get(), raw_pref, 1, &result, &found));
  if (found < 1) {
    return Status::Error("cuBLASLt GEMM: no algorithm for " + std::string(type == LtGemmType::kBF16 ? "BF16" : "FP8") +
                         " m=" + std::to_string(s.m) + " n=" + std::to_string(s.n) + " k=" + std::to_string(s.k) +
                         (type == LtGemmType::kFP8E4M3 ? " (FP8 needs dimensions that are multiples of 16)" : ""));
  }
  impl->algo = result.algo;
  impl_ = std::move(impl);
  return Status::Ok();
}

Status LtGemmPlan::run(const LtGemmArgs& args, cudaStream_t stream) const {
  if (!impl_) return Status::Error("cuBLASLt GEMM: plan not initialised");
  if (!args.x || !args.w || !args.y) return Status::Error("cuBLASLt GEMM: null pointer");
  cublasLtMatmulDesc_t desc = impl_->desc.get();
  if (impl_->type == LtGemmType::kFP8E4M3) {
    if (!args.x_scale || !args.w_scale) return Status::Error("cuBLASLt FP8 GEMM: scale pointers required");
    // A is W, B is X in the column-major view.
    CAPSIM_CUBLAS_TRY(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &args.w_scale, sizeof(args.w_scale)));
    CAPSIM_CUBLAS_TRY(cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, &args.x_scale, sizeof(args.x_scale)));
  }
  const float beta = 0.0f;
  CAPSIM_CUBLAS_TRY(cublasLtMatmul(impl_->handle, desc, &args.alpha, args.w, impl_->a.get(), args.x, impl_->b.get(), &beta,
                                   args.y, impl_->c.get(), args.y, impl_->c.get(), &impl_->algo, impl_->workspace,
                                   impl_->workspace_bytes, stream));
  return Status::Ok();
}

}  // namespace capsim::kernels
