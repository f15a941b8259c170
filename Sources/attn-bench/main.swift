import Attention

let a = try randn([1024, 1024], seed: 1)
let seconds = try medianTime { _ = try matmul(a, a) }
print("attn 1024 matmul", seconds, 2 * 1024 * 1024 * 1024 / seconds / 1e9, "GFLOP/s")
