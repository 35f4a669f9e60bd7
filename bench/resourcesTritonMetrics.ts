/** Triton /metrics the size of a real DGX node: 8 GPUs, 12 models, the usual nv_* families. */
export function tritonMetricsText(): string {
  const lines: string[] = []
  const gpus = Array.from({ length: 8 }, (_, i) => `GPU-${i}0000000-aaaa-bbbb-cccc-${i}00000000000`)
  const models = Array.from({ length: 12 }, (_, i) => `model_${i}`)
  const fam = (name: string, type: string, help: string, rows: string[]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...rows)
  }
  for (const n of ['success', 'failure', 'count', 'exec_count']) {
    fam(
      `nv_inference_request_${n}`,
      'counter',
      `requests ${n}`,
      models.map((m, i) => `nv_inference_request_${n}{model="${m}",version="1"} ${i * 1000}`),
    )
  }
  for (const n of [
    'request_duration_us',
    'queue_duration_us',
    'compute_input_duration_us',
    'compute_infer_duration_us',
    'compute_output_duration_us',
  ]) {
    fam(
      `nv_inference_${n}`,
      'counter',
      n,
      models.map((m, i) => `nv_inference_${n}{model="${m}",version="1"} ${i * 123456}`),
    )
  }
  fam(
    'nv_inference_pending_request_count',
    'gauge',
    'pending',
    models.map((m) => `nv_inference_pending_request_count{model="${m}",version="1"} 0`),
  )
  for (const [n, v] of [
    ['nv_gpu_utilization', '0.42'],
    ['nv_gpu_memory_total_bytes', '85899345920'],
    ['nv_gpu_memory_used_bytes', '40000000000'],
    ['nv_gpu_power_usage', '312.5'],
    ['nv_gpu_power_limit', '700'],
    ['nv_energy_consumption', '123456789'],
  ] as const) {
    fam(
      n,
      'gauge',
      n,
      gpus.map((g) => `${n}{gpu_uuid="${g}"} ${v}`),
    )
  }
  fam('nv_cpu_utilization', 'gauge', 'cpu', ['nv_cpu_utilization 0.1'])
  return `${lines.join('\n')}\n`
}
