#include "kernels/cuda/cudnn_ops.h"

#include <string>
#include <vector>

namespace capsim::kernels {

Status cudnn_status(cudnnStatus_t status, const char* what) {
  if (status == CUDNN_STATUS_SUCCESS) return Status::Ok();
  return Status::Error(std::string(what) + ": " + cudnnGetErrorString(status));
}

#define CAPSIM_CUDNN_TRY(expr) CAPSIM_KERNELS_TRY(::capsim::kernels::cudnn_status((expr), #expr))

namespace {
cudnnDataType_t to_cudnn(CudnnDType t) { return t == CudnnDType::kBF16 ? CUDNN_DATA_BFLOAT16 : CUDNN_DATA_HALF; }
int as_int(std::int64_t v) { return static_cast<int>(v); }
}  // namespace

CudnnHandle::~CudnnHandle() {
  if (handle_ != nullptr) (void)cudnnDestroy(handle_);
}

Status CudnnHandle::create() {
  if (handle_ == nullptr) CAPSIM_CUDNN_TRY(cudnnCreate(&handle_));
  return Status::Ok();
}

// ---- Convolution ----------------------------------------------------------------------------

CudnnConv2d::~CudnnConv2d() { destroy(); }

void CudnnConv2d::destroy() {
  if (x_desc_) (void)cudnnDestroyTensorDescriptor(x_desc_);
  if (y_desc_) (void)cudnnDestroyTensorDescriptor(y_desc_);
  if (w_desc_) (void)cudnnDestroyFilterDescriptor(w_desc_);
  if (conv_desc_) (void)cudnnDestroyConvolutionDescriptor(conv_desc_);
  x_desc_ = y_desc_ = nullptr;
  w_desc_ = nullptr;
  conv_desc_ = nullptr;
  workspace_.reset();
}

Status CudnnConv2d::init(const CudnnHandle& handle, const ConvShape& s, CudnnDType dtype, std::size_t max_ws) {
  destroy();
  std::string why;
  if (!conv_shape_valid(s, &why)) return Status::Error("cuDNN conv: " + why);
  if (handle.get() == nullptr) return Status::Error("cuDNN conv: handle not created");
  handle_ = handle.get();
  const cudnnDataType_t t = to_cudnn(dtype);
  CAPSIM_CUDNN_TRY(cudnnCreateTensorDescriptor(&x_desc_));
  CAPSIM_CUDNN_TRY(cudnnCreateTensorDescriptor(&y_desc_));
  CAPSIM_CUDNN_TRY(cudnnCreateFilterDescriptor(&w_desc_));
  CAPSIM_CUDNN_TRY(cudnnCreateConvolutionDescriptor(&conv_desc_));
  CAPSIM_CUDNN_TRY(cudnnSetTensor4dDescriptor(x_desc_, CUDNN_TENSOR_NCHW, t, as_int(s.n), as_int(s.c), as_int(s.h), as_int(s.w)));
  CAPSIM_CUDNN_TRY(cudnnSetFilter4dDescriptor(w_desc_, t, CUDNN_TENSOR_NCHW, as_int(s.k), as_int(s.c / s.groups), as_int(s.r), as_int(s.s)));
  CAPSIM_CUDNN_TRY(cudnnSetConvolution2dDescriptor(conv_desc_, as_int(s.pad), as_int(s.pad), as_int(s.stride), as_int(s.stride), 1, 1,
                                                   CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
  CAPSIM_CUDNN_TRY(cudnnSetConvolutionGroupCount(conv_desc_, as_int(s.groups)));
  CAPSIM_CUDNN_TRY(cudnnSetConvolutionMathType(conv_desc_, CUDNN_TENSOR_OP_MATH));
  int n = 0, k = 0, p = 0, q = 0;
  CAPSIM_CUDNN_TRY(cudnnGetConvolution2dForwardOutputDim(conv_desc_, x_desc_, w_desc_, &n, &k, &p, &q));
  if (n != s.n || k != s.k || p != s.p() || q != s.q()) return Status::Error("cuDNN conv: output shape differs from ConvShape");
  CAPSIM_CUDNN_TRY(cudnnSetTensor4dDescriptor(y_desc_, CUDNN_TENSOR_NCHW, t, n, k, p, q));

  std::vector<cudnnConvolutionFwdAlgoPerf_t> perf(CUDNN_CONVOLUTION_FWD_ALGO_COUNT);
  int returned = 0;
  CAPSIM_CUDNN_TRY(cudnnGetConvolutionForwardAlgorithm_v7(handle_, x_desc_, w_desc_, conv_desc_, y_desc_,
                                                          static_cast<int>(perf.size()), &returned, perf.data()));
  bool chosen = false;
  std::size_t ws = 0;
  for (int i = 0; i < returned && !chosen; ++i) {
    if (perf[i].status != CUDNN_STATUS_SUCCESS) continue;
    if (cudnnSetConvolutionMathType(conv_desc_, perf[i].mathType) != CUDNN_STATUS_SUCCESS) continue;
    if (cudnnGetConvolutionForwardWorkspaceSize(handle_, x_desc_, w_desc_, conv_desc_, y_desc_, perf[i].algo, &ws) !=
        CUDNN_STATUS_SUCCESS)
      continue;
    if (ws > max_ws) continue;
    algo_ = perf[i].algo;
    chosen = true;
  }
  if (!chosen) return Status::Error("cuDNN conv: no supported forward algorithm for this shape and data type");
  return workspace_.allocate(ws);
}

Status CudnnConv2d::run(const ConvArgs& args, cudaStream_t stream) const {
  if (handle_ == nullptr) return Status::Error("cuDNN conv: not initialised");
  if (!args.x || !args.w || !args.y) return Status::Error("cuDNN conv: null pointer");
  CAPSIM_CUDNN_TRY(cudnnSetStream(handle_, stream));
  const float alpha = 1.0f, beta = 0.0f;
  CAPSIM_CUDNN_TRY(cudnnConvolutionForward(handle_, &alpha, x_desc_, args.x, w_desc_, args.w, conv_desc_, algo_,
                                           workspace_.get(), workspace_.bytes(), &beta, y_desc_, args.y));
  return Status::Ok();
}

// ---- Upsampling -----------------------------------------------------------------------------

CudnnUpsampleNearest2x::~CudnnUpsampleNearest2x() { destroy(); }

void CudnnUpsampleNearest2x::destroy() {
  if (x_desc_) (void)cudnnDestroyTensorDescriptor(x_desc_);
  if (y_desc_) (void)cudnnDestroyTensorDescriptor(y_desc_);
  x_desc_ = y_desc_ = nullptr;
}

Status CudnnUpsampleNearest2x::init(const CudnnHandle& handle, const UpsampleShape& s, CudnnDType dtype) {
  destroy();
  if (s.n < 1 || s.c < 1 || s.h < 1 || s.w < 1) return Status::Error("cuDNN upsample: dimensions must be >= 1");
  if (handle.get() == nullptr) return Status::Error("cuDNN upsample: handle not created");
  handle_ = handle.get();
  const cudnnDataType_t t = to_cudnn(dtype);
  const int nc = as_int(s.n * s.c), h = as_int(s.h), w = as_int(s.w);
  const int x_dims[5] = {nc, h, 1, w, 1};
  const int x_strides[5] = {h * w, w, w, 1, 1};
  const int y_dims[5] = {nc, h, 2, w, 2};
  const int y_strides[5] = {4 * h * w, 4 * w, 2 * w, 2, 1};
  CAPSIM_CUDNN_TRY(cudnnCreateTensorDescriptor(&x_desc_));
  CAPSIM_CUDNN_TRY(cudnnCreateTensorDescriptor(&y_desc_));
  CAPSIM_CUDNN_TRY(cudnnSetTensorNdDescriptor(x_desc_, t, 5, x_dims, x_strides));
  CAPSIM_CUDNN_TRY(cudnnSetTensorNdDescriptor(y_desc_, t, 5, y_dims, y_strides));
  return Status::Ok();
}

Status CudnnUpsampleNearest2x::run(const UpsampleArgs& args, cudaStream_t stream) const {
  if (handle_ == nullptr) return Status::Error("cuDNN upsample: not initialised");
  if (!args.x || !args.y) return Status::Error("cuDNN upsample: null pointer");
  CAPSIM_CUDNN_TRY(cudnnSetStream(handle_, stream));
  // beta = 0: y is not read (cuDNN's scaling-parameter rule), so the NaN poison does not leak in.
  const float alpha = 1.0f, beta = 0.0f;
  CAPSIM_CUDNN_TRY(cudnnAddTensor(handle_, &alpha, x_desc_, args.x, &beta, y_desc_, args.y));
  return Status::Ok();
}

}  // namespace capsim::kernels
