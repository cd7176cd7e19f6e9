# Generates data/profiles/<GPU>.published.yaml from hardware.md figures (see each point's source).
# Usage: /usr/bin/python3 scripts/gen_published_profiles.py   (rewrites the published profiles in place)
import math
import os
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data', 'profiles')
KB, MB, GB = 1024, 1024**2, 1024**3

def cube(n): return 2.0 * n**3
def g(v): return float('%.4g' % v)
def r4(v): return round(v, 4)
def fmt_size(s): return str(int(s)) if float(s).is_integer() and s < 1e17 else '%.6g' % s

PEAK = {  # TFLOP/s bf16, fp8, TB/s, link GB/s (hardware.md §1)
  'H100-SXM': (989, 1979, 3.35, 450), 'H200': (989, 1979, 4.8, 450),
  'B200': (2250, 4500, 8.0, 900), 'GB200': (2500, 5000, 8.0, 900),
  'MI300X': (1307, 2610, 5.3, 448), 'L40S': (362, 733, 0.86, None), 'L4': (121, 242, 0.30, None)}

FP8_AZ = {  # (m, n, k): (H100, H200) TFLOP/s, hardware.md §2.1 AZ-H100 / AZ-H200
  (1024, 1024, 1024): (274.1, 290.8), (2048, 2048, 2048): (1011.3, 1013.4),
  (4096, 4096, 4096): (1216.9, 1249.1), (8192, 8192, 8192): (1290.1, 1300.6),
  (16384, 16384, 16384): (1377.3, 1366.3), (32768, 32768, 32768): (1382.2, 1349.5),
  (1024, 2145, 1024): (410.7, 407.9), (6144, 12288, 12288): (1351.4, 1318.0)}
BUSBW = {  # bytes: (H100, H200) GB/s, hardware.md §2.4
  1 * MB: (43.7, 53.0), 4 * MB: (128.7, 138.4), 16 * MB: (234.5, 240.4), 64 * MB: (361.8, 368.1),
  128 * MB: (400.6, 412.5), 256 * MB: (423.4, 432.2), 1 * GB: (466.4, 467.6),
  8 * GB: (478.9, 480.0)}
SIZE_NAME = {1 * MB: '1 MB', 4 * MB: '4 MB', 16 * MB: '16 MB', 64 * MB: '67 MB', 128 * MB: '134 MB',
             256 * MB: '268 MB', 1 * GB: '1 GB', 8 * GB: '8 GB'}
ALPHA_STEP = 1.829e-6  # = 1.75 * KB / 0.07e9 / 14 rounded: 1 KB all-reduce at 0.07 GB/s busbw on 8 H100s, 14 ring steps

def point(size, eff, source):
  assert 0 < eff <= 1, (size, eff, source)
  return (size, r4(eff), source)

def gemm_bf16(gpu, col):
  pts = []
  big = 798 / 989
  for n in (1024, 2048, 4096):
    ratio = FP8_AZ[(n, n, n)][col] / FP8_AZ[(8192, 8192, 8192)][col]
    pts.append(point(cube(n), big * ratio,
      f"ESTIMATE: 8192^3 BF16 efficiency x {n}^3/8192^3 ratio of the AZ-{'H100' if col == 0 else 'H200'} "
      f"cuBLASLt FP8 table ({FP8_AZ[(n, n, n)][col]}/{FP8_AZ[(8192, 8192, 8192)][col]} TFLOP/s), hardware.md §2.1"))
  src = ("hardware.md §2.1 local measurement Nov 2026: 8192^3 BF16 798 TFLOP/s on an H100 80GB HBM3 (81%); "
         "MAMF 794.5 (80.3%) agrees, FIRM") if gpu == 'H100-SXM' else (
         "hardware.md §2.1 local measurement Nov 2026: 8192^3 BF16 769-798 TFLOP/s on an H200, upper end "
         "(MAMF: 'H200 is the same' as H100), FIRM")
  pts.append(point(cube(8192), big, src))
  return pts

def gemm_fp8(gpu, col):
  pts = []
  for (m, n, k), v in FP8_AZ.items():
    pts.append(point(2.0 * m * n * k, v[col] / PEAK[gpu][1],
      f"hardware.md §2.1 AZ-{'H100' if col == 0 else 'H200'} cuBLASLt FP8 {m}x{n}x{k}: {v[col]} TFLOP/s / {PEAK[gpu][1]}, FIRM"))
  return sorted(pts)

def scaled(points, factor, why):
  return [point(s, e * factor, f"ESTIMATE: {why} (shape from {src.split(',')[0]})") for s, e, src in points]

def busbw_h(col, link=450):
  pts = []
  for s, v in BUSBW.items():
    t = 1.75 * s / (v[col] * 1e9)
    beta = t - 14 * ALPHA_STEP
    eff = 1.75 * s / (link * 1e9 * beta)
    who = 'AZ-H100' if col == 0 else 'AZ-H200'
    if eff > 1:
      src = (f"hardware.md §2.4 {who} NVLS all-reduce 8 GPUs {SIZE_NAME[s]}: busbw {v[col]} GB/s exceeds the "
             f"450 GB/s unidirectional NVLink figure (NVLS reduces in the switch; the ring model cannot "
             f"represent it): CAPPED at 1.0, ESTIMATE")
      eff = 1.0
    else:
      src = (f"hardware.md §2.4 {who} NVLS all-reduce 8 GPUs {SIZE_NAME[s]}: busbw {v[col]} GB/s / 450 GB/s "
             f"NVLink unidirectional, latency 14 x {ALPHA_STEP*1e6:.2f} us removed, FIRM")
    pts.append(point(float(s), eff, src))
  return pts

def curve(cls, dtype, metric, pts, extra=''):
  lines = [f"  - {{ class: {cls}, {extra}dtype: {dtype}, metric: {metric}, points: ["]
  for s, e, src in pts:
    src = src.replace('"', "'")
    lines.append(f"      {{ size: {fmt_size(s)}, efficiency: {e}, measured: false, source: \"{src}\" }},")
  lines[-1] = lines[-1].rstrip(',')
  lines.append("    ] }")
  return '\n'.join(lines)

H100_BF16 = gemm_bf16('H100-SXM', 0)
H100_BUS = busbw_h(0)
FA3 = [point(4.0 * 2 * 16 * 8192**2 * 128, 661 / 989,
  "hardware.md §2.3 FA3 Table 2 full method, non-causal FP16 on H100: 661 TFLOPS / 989 (FA3 'up to 740' = 75%); "
  "size ESTIMATE (batch 2 x 16 heads x seq 8192 x head dim 128, non-causal), FIRM figure")]
HBM_SIZE = 2e9
def hbm(eff, src): return [point(HBM_SIZE, eff, src + "; size ESTIMATE (2 GB moved, not stated)")]

profiles = {}
profiles['H100-SXM'] = dict(
  gemm_bf16=H100_BF16, gemm_fp8=gemm_fp8('H100-SXM', 0), attn=FA3,
  mem=hbm(3.0 / 3.35, "hardware.md §2.2 device-to-device copy Nov 2026 about 3.0 TB/s read + write / 3.35 TB/s "
          "(STREAM copy 2.90, triad 2.97 agree), FIRM"),
  bus=H100_BUS)
profiles['H200'] = dict(
  gemm_bf16=gemm_bf16('H200', 1), gemm_fp8=gemm_fp8('H200', 1),
  attn=[point(FA3[0][0], FA3[0][1], "ESTIMATE: H100 FA3 figure (hardware.md §2.3 FA3 Table 2, 661 TFLOPS); "
        "H200 FA2 329.3 vs H100 327.9 TFLOPS shows the same compute efficiency")],
  mem=hbm(4.3 / 4.8, "hardware.md §2.2 device-to-device copy Nov 2026 about 4.3 TB/s read + write / 4.8 TB/s "
          "(STREAM copy 4.01, triad 4.15 agree), FIRM"),
  bus=busbw_h(1))
for gpu, bf, fp8, tag in (('B200', 1745, 3432.5, 'B200'), ('GB200', 1822, 3615.6, 'GB200')):
  e = bf / PEAK[gpu][0]
  big = 798 / 989
  pts = [point(s, eh * e / big, f"ESTIMATE: H100 size ramp scaled to {gpu} MAMF (shape from hardware.md §2.1)")
         for s, eh, _ in H100_BF16[:-1]]
  pts.append(point(cube(8192), e, f"hardware.md §2.1 MAMF {gpu} BF16 {bf} TFLOP/s ({e*100:.1f}%), FIRM; "
                   "size ESTIMATE (MAMF is the best over a shape search)"))
  ef = fp8 / PEAK[gpu][1]
  fpts = [point(cube(8192), ef, f"hardware.md §2.1 MAMF {gpu} FP8 {fp8} TFLOP/s ({ef*100:.1f}%), FIRM; "
                "size ESTIMATE (best over a shape search)")]
  mem = hbm(7.35 / 8.0, ("hardware.md §2.2 Azure ND GB200 v6 7.35 TB/s / 8 TB/s (92%), FIRM vendor claim"
                         if gpu == 'GB200' else
                         "ESTIMATE: GB200 figure (hardware.md §2.2, 7.35/8 TB/s; §2.6 B200/GB200 0.92), same HBM3e at 8 TB/s"))
  profiles[gpu] = dict(gemm_bf16=pts, gemm_fp8=fpts,
    attn=[point(FA3[0][0], FA3[0][1], "ESTIMATE: derived from the H100 FA3 figure (hardware.md §2.3); no Blackwell attention figure")],
    mem=mem,
    bus=[point(s, e, f"ESTIMATE: H100 efficiency derived from hardware.md §2.4 (AZ-H100), applied to NVLink5 900 GB/s; §2.6 'not measured here'")
         for s, e, _ in H100_BUS])
e = 668.4 / 1307
profiles['MI300X'] = dict(
  gemm_bf16=[point(s, eh * e / (798 / 989), "ESTIMATE: H100 size ramp scaled to MI300X MAMF (shape from hardware.md §2.1)")
             for s, eh, _ in H100_BF16[:-1]] +
            [point(cube(8192), e, "hardware.md §2.1 MAMF MI300X BF16 668.4 TFLOP/s (51.4%, ROCm 6.3, TunableOp), FIRM; size ESTIMATE")],
  gemm_fp8=None,
  attn=[point(FA3[0][0], FA3[0][1] / (798 / 989) * e,
              "ESTIMATE: derived from the H100 FA3/GEMM ratio (hardware.md §2.3, §2.1) x MI300X MAMF 51.4%")],
  mem=hbm(0.88, "ESTIMATE: hardware.md §2.6 H100 HBM efficiency 0.88 (no MI300X figure)"),
  bus=[point(s, min(1.0, e_) * (312.9 / 448), f"ESTIMATE: H100 shape (hardware.md §2.4) scaled to MI300X 4 GiB 8-GPU busbw 312.9 GB/s / 448 GB/s xGMI (MLE-net)")
       for s, e_, _ in H100_BUS])
for gpu in ('L40S', 'L4'):
  profiles[gpu] = dict(
    gemm_bf16=[point(s, eh * 0.70 / (798 / 989), "ESTIMATE: H100 size ramp (hardware.md §2.1) scaled to 0.70, the catalog's assumed large-GEMM efficiency (no Ada figure)")
               for s, eh, _ in H100_BF16],
    gemm_fp8=None,
    attn=[point(FA3[0][0], 0.35, "ESTIMATE: FA2 utilisation about 35% on H100 (hardware.md §2.3, FA3 abstract); Ada has no FA3")],
    mem=hbm(0.88, "ESTIMATE: hardware.md §2.6 H100 HBM efficiency 0.88 applied to GDDR6 (no figure)"),
    bus=[point(s, min(1.0, e_) * 0.88, "ESTIMATE: H100 NVLink shape (hardware.md §2.4) scaled to 88% of PCIe (H200 host link 55.4 GB/s = 88% of PCIe5 x16, §2.5)")
         for s, e_, _ in H100_BUS])

NOTES = {
  'L40S': "# L40S has no scale-up link: its scale_up tier is PCIe (pass the PCIe bandwidth to PerfModel).\n",
  'L4': "# L4 has no scale-up link: its scale_up tier is PCIe (pass the PCIe bandwidth to PerfModel).\n",
  'MI300X': "# MI300X scale_up = Infinity Fabric/xGMI, 448 GB/s to 7 peers unidirectional (hardware.md §1).\n",
  'B200': "# B200 scale_up = NVLink5, 900 GB/s unidirectional per GPU (hardware.md §1).\n",
  'GB200': "# GB200 scale_up = NVLink5, 900 GB/s unidirectional per GPU, 72-GPU domain (hardware.md §1).\n",
  'H100-SXM': "# H100 scale_up = NVLink4, 450 GB/s unidirectional per GPU (hardware.md §1).\n",
  'H200': "# H200 scale_up = NVLink4, 450 GB/s unidirectional per GPU (hardware.md §1).\n"}

for gpu, p in profiles.items():
  out = [f"# Published calibration profile for {gpu}: efficiencies from /work/shared/reference/hardware.md",
         "# (sections 2.1-2.6), each point with its source; format in data/profiles/README.md.",
         "# Points marked ESTIMATE are derived from another GPU or a suggested default, not measured on this GPU.",
         "# launch_overhead is an ESTIMATE (typical CUDA kernel launch, no reference figure); collective_latency",
         f"# is the per-step alpha derived from hardware.md §2.4 (1 KB all-reduce at 0.07 GB/s busbw on 8 H100s:",
         f"# 1.75 x 1 KiB / 0.07 GB/s = 25.6 us over 14 ring steps){'' if gpu == 'H100-SXM' else ', an ESTIMATE for this GPU'}.",
         "# Collective efficiencies have that alpha removed: eff = 1.75 x size / (link x (t - 14 alpha)).",
         NOTES[gpu].rstrip('\n'),
         f"gpu: {gpu}",
         f"provenance: {{ kind: published, gpu_name: {gpu}, driver: \"n/a\", cuda: \"n/a\", date: 2026-11-25, "
         f"source: \"hardware.md §2.1, §2.2, §2.3, §2.4, §2.6\" }}",
         "launch_overhead: 4 us",
         f"collective_latency: {ALPHA_STEP*1e6:.3f} us",
         "curves:",
         curve('gemm', 'bf16', 'compute', p['gemm_bf16'])]
  if p['gemm_fp8']: out.append(curve('gemm', 'fp8', 'compute', p['gemm_fp8']))
  out.append(curve('attention_prefill', 'bf16', 'compute', p['attn']))
  out.append(curve('memory', 'bf16', 'memory', p['mem']))
  out.append(curve('collective', 'bf16', 'bus_bandwidth', p['bus'], extra='collective: all_reduce, tier: scale_up, '))
  open(f"{OUT}/{gpu}.published.yaml", 'w').write('\n'.join(out) + '\n')
print(ALPHA_STEP)
for s, e, src in H100_BUS: print(s, e)
