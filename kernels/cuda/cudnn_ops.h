// Convolution and nearest-neighbour upsampling through cuDNN 9 (legacy-compatible API, still
// shipped in cudnn_cnn / cudnn_ops in v9), NCHW, BF16 or FP16 data with FP32 compute.
// Built only when cuDNN is found (CAPSIM_HAVE_CUDNN).
#pragma once

#include <cudnn.h>
#include <cuda_runtime_api.h>

#include <cstddef>

#include "kernels/cuda/device_buffer.h"
#include "kernels/shapes.h"
#include "kernels/status.h"

namespace capsim::kernels {

Status cudnn_status(cudnnStatus_t status, const char* what);

class CudnnHandle {
 public:
  CudnnHandle() = default;
  ~CudnnHandle();
  CudnnHandle(const CudnnHandle&) = delete;
  CudnnHandle& operator=(const CudnnHandle&) = delete;
  Status create();
  cudnnHandle_t get() const { return handle_; }

 private:
  cudnnHandle_t handle_ = nullptr;
};

enum class CudnnDType { kBF16, kFP16 };

// x [n, c, h, w], w [k, c / groups, r, s], y [n, k, p, q] (see ConvShape); element type per dtype.
struct ConvArgs {
  const void* x = nullptr;
  const void* w = nullptr;
  void* y = nullptr;
};

// Descriptors, the algorithm (cuDNN's heuristic, first one that fits the workspace limit) and its
// workspace, set up once and run many times.
class CudnnConv2d {
 public:
  CudnnConv2d() = default;
  ~CudnnConv2d();
  CudnnConv2d(const CudnnConv2d&) = delete;
  CudnnConv2d& operator=(const CudnnConv2d&) = delete;

  Status init(const CudnnHandle& handle, const ConvShape& shape, CudnnDType dtype,
              std::size_t max_workspace_bytes = 256u << 20);
  Status run(const ConvArgs& args, cudaStream_t stream) const;
  int algorithm() const { return static_cast<int>(algo_); }

 private:
  void destroy();
  cudnnHandle_t handle_ = nullptr;
  cudnnTensorDescriptor_t x_desc_ = nullptr, y_desc_ = nullptr;
  cudnnFilterDescriptor_t w_desc_ = nullptr;
  cudnnConvolutionDescriptor_t conv_desc_ = nullptr;
  cudnnConvolutionFwdAlgo_t algo_ = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM;
  DeviceBuffer<unsigned char> workspace_;
};

// y [n, c, 2h, 2w] = nearest 2x of x [n, c, h, w]: cudnnAddTensor with beta = 0 broadcasting x,
// viewed as [n c, h, 1, w, 1], onto y viewed as [n c, h, 2, w, 2] (a pure memory operation, as
// the upsampling in a UNet decoder).
struct UpsampleArgs {
  const void* x = nullptr;
  void* y = nullptr;
};

class CudnnUpsampleNearest2x {
 public:
  CudnnUpsampleNearest2x() = default;
  ~CudnnUpsampleNearest2x();
  CudnnUpsampleNearest2x(const CudnnUpsampleNearest2x&) = delete;
  CudnnUpsampleNearest2x& operator=(const CudnnUpsampleNearest2x&) = delete;

  Status init(const CudnnHandle& handle, const UpsampleShape& shape, CudnnDType dtype);
  Status run(const UpsampleArgs& args, cudaStream_t stream) const;

 private:
  void destroy();
  cudnnHandle_t handle_ = nullptr;
  cudnnTensorDescriptor_t x_desc_ = nullptr, y_desc_ = nullptr;
};

}  // namespace capsim::kernels
