// RAII owners for CUDA resources: device memory, events, streams. Allocation returns a Status
// (no exceptions); destructors release quietly.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <span>
#include <utility>

#include "kernels/cuda/cuda_check.h"

namespace capsim::kernels {

template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  ~DeviceBuffer() { reset(); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& other) noexcept
      : ptr_(std::exchange(other.ptr_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
    if (this != &other) {
      reset();
      ptr_ = std::exchange(other.ptr_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }

  // Frees any previous allocation, then allocates `count` elements (uninitialised).
  Status allocate(std::size_t count) {
    reset();
    if (count == 0) return Status::Ok();
    void* p = nullptr;
    CAPSIM_CUDA_TRY(cudaMalloc(&p, count * sizeof(T)));
    ptr_ = static_cast<T*>(p);
    size_ = count;
    return Status::Ok();
  }
  void reset() noexcept {
    if (ptr_ != nullptr) (void)cudaFree(ptr_);
    ptr_ = nullptr;
    size_ = 0;
  }

  T* get() const { return ptr_; }
  std::size_t size() const { return size_; }
  std::size_t bytes() const { return size_ * sizeof(T); }

  // Host <-> device copies of same-sized element types (e.g. std::uint16_t bit patterns to
  // __nv_bfloat16). The host span must hold exactly size() elements.
  template <class U>
  Status upload(std::span<const U> host) {
    static_assert(sizeof(U) == sizeof(T), "host and device element sizes differ");
    if (host.size() != size_) return Status::Error("DeviceBuffer::upload: size mismatch");
    CAPSIM_CUDA_TRY(cudaMemcpy(ptr_, host.data(), bytes(), cudaMemcpyHostToDevice));
    return Status::Ok();
  }
  template <class U>
  Status download(std::span<U> host) const {
    static_assert(sizeof(U) == sizeof(T), "host and device element sizes differ");
    if (host.size() != size_) return Status::Error("DeviceBuffer::download: size mismatch");
    CAPSIM_CUDA_TRY(cudaMemcpy(host.data(), ptr_, bytes(), cudaMemcpyDeviceToHost));
    return Status::Ok();
  }
  // Every byte 0xFF: a NaN in FP32, BF16, FP16 and FP8 E4M3, so an output the kernel never
  // writes fails the comparison.
  Status poison() {
    CAPSIM_CUDA_TRY(cudaMemset(ptr_, 0xFF, bytes()));
    return Status::Ok();
  }

 private:
  T* ptr_ = nullptr;
  std::size_t size_ = 0;
};

class CudaEvent {
 public:
  CudaEvent() = default;
  ~CudaEvent() { reset(); }
  CudaEvent(const CudaEvent&) = delete;
  CudaEvent& operator=(const CudaEvent&) = delete;
  CudaEvent(CudaEvent&& o) noexcept : event_(std::exchange(o.event_, nullptr)) {}
  CudaEvent& operator=(CudaEvent&& o) noexcept {
    if (this != &o) {
      reset();
      event_ = std::exchange(o.event_, nullptr);
    }
    return *this;
  }
  Status create() {
    reset();
    CAPSIM_CUDA_TRY(cudaEventCreate(&event_));
    return Status::Ok();
  }
  void reset() noexcept {
    if (event_ != nullptr) (void)cudaEventDestroy(event_);
    event_ = nullptr;
  }
  cudaEvent_t get() const { return event_; }

 private:
  cudaEvent_t event_ = nullptr;
};

class CudaStream {
 public:
  CudaStream() = default;
  ~CudaStream() { reset(); }
  CudaStream(const CudaStream&) = delete;
  CudaStream& operator=(const CudaStream&) = delete;
  CudaStream(CudaStream&& o) noexcept : stream_(std::exchange(o.stream_, nullptr)) {}
  CudaStream& operator=(CudaStream&& o) noexcept {
    if (this != &o) {
      reset();
      stream_ = std::exchange(o.stream_, nullptr);
    }
    return *this;
  }
  Status create() {
    reset();
    CAPSIM_CUDA_TRY(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    return Status::Ok();
  }
  void reset() noexcept {
    if (stream_ != nullptr) (void)cudaStreamDestroy(stream_);
    stream_ = nullptr;
  }
  cudaStream_t get() const { return stream_; }

 private:
  cudaStream_t stream_ = nullptr;
};

}  // namespace capsim::kernels
