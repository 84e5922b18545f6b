#!/usr/bin/python3
"""The PyTorch side of `mnist-dit bench`: a long-lived peer that the C# benchmark drives over stdin/stdout.

Run as `/usr/bin/python3 bench/pytorch_dit.py --json --threads N`. Each stdin line is one JSON request
{"cmd": ..., ...}; each answer is one JSON line on stdout ({"error": message} when a request fails). Progress and
warnings go to stderr only, so stdout stays a clean channel. The peer stays alive across requests so the benchmark can
alternate the two sides phase by phase without paying PyTorch's import each time.

What it runs mirrors the generated C# code operation for operation: the network is bench/dit_reference.py (the
reference DiT), the training step is the generated TrainingLoss (t ~ U{0..T-1}, eps ~ N(0, I), x_t, label dropout to
the null label, MSE on eps) followed by AdamW, and sampling is the generated SampleDdim with classifier-free guidance
(both passes batched in one call) and static thresholding. The schedule tables come from the C# side, so both sides
use the very same numbers.
"""
import argparse
import json
import math
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

import dit_reference
import process_memory
import safetensors_numpy


class Peer:
    def __init__(self, threads):
        torch.set_num_threads(threads)
        self.model = None
        self.optimizer = None
        self.tables = {}
        self.config = None

    # --- requests -------------------------------------------------------------------------------------------------

    def hello(self, request):
        return {
            "torch": torch.__version__,
            "package": _package_version("python3-torch"),
            "blas": _package_version("libopenblas0-pthread"),
            "python": sys.version.split()[0],
            "threads": torch.get_num_threads(),
        }

    def load(self, request):
        config = request["config"]
        self.config = config
        self.model = dit_reference.DiT(
            input_size=config["input_size"], in_channels=config["in_channels"], patch_size=config["patch_size"],
            hidden_size=config["width"], depth=config["depth"], num_heads=config["heads"],
            mlp_ratio=config["mlp_ratio"], num_classes=config["classes"], frequency_dim=config["frequency_dim"])
        state = safetensors_numpy.load(request["weights"])
        self.model.load_state_dict(state, strict=True)  # strict: every reference name must match the C# export
        self.tables = safetensors_numpy.load(request["tables"])
        # torch.optim.AdamW's defaults on the CPU in 1.13: the per-parameter loop, as the C# AdamW does.
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=request["lr"], weight_decay=request["weight_decay"])
        return {"parameters": sum(p.numel() for p in self.model.parameters())}

    def forward(self, request):
        inputs = safetensors_numpy.load(request["inputs"])
        self.model.eval()
        with torch.no_grad():
            output = self.model(inputs["x"], inputs["t"], inputs["y"])
        safetensors_numpy.save(request["out"], {"output": output})
        return {}

    def matmul(self, request):
        n, repeats = request["size"], request["repeats"]
        a, b = torch.randn(n, n), torch.randn(n, n)
        for _ in range(3):
            torch.mm(a, b)
        start = time.perf_counter()
        for _ in range(repeats):
            torch.mm(a, b)
        seconds = time.perf_counter() - start
        return {"gflops": 2.0 * n * n * n * repeats / seconds / 1e9}

    def train(self, request):
        batch, seed = request["batch"], request["seed"]
        data, labels = self._batch(batch, seed)
        self.model.train()
        for i in range(request["warmup"]):
            self._train_step(data, labels, seed + 1 + i)
        process_memory.reset_peak()
        cpu, start = time.process_time(), time.perf_counter()
        for i in range(request["steps"]):
            loss = self._train_step(data, labels, seed + 1000 + i)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
        return {"seconds": seconds, "cpu_seconds": cpu_seconds, "peak_mib": process_memory.peak_mib(), "loss": loss}

    def train_split(self, request):
        data, labels = self._batch(request["batch"], request["seed"])
        self.model.train()
        self._train_step(data, labels, request["seed"])
        totals = [0.0, 0.0, 0.0]
        for i in range(request["steps"]):
            for k, seconds in enumerate(self._train_step(data, labels, request["seed"] + 1 + i, split=True)):
                totals[k] += seconds
        steps = request["steps"]
        return {"forward_ms": totals[0] * 1e3 / steps, "backward_ms": totals[1] * 1e3 / steps, "optimizer_ms": totals[2] * 1e3 / steps}

    def sample(self, request):
        self.model.eval()
        count, steps, guidance, seed = request["count"], request["steps"], request["guidance"], request["seed"]
        self._sample(count, request["warmup_steps"], guidance, seed)
        process_memory.reset_peak()
        cpu, start = time.process_time(), time.perf_counter()
        self._sample(count, steps, guidance, seed + 1)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
        return {"seconds": seconds, "cpu_seconds": cpu_seconds, "peak_mib": process_memory.peak_mib()}

    def rss_train(self, request):
        data, labels = self._batch(request["batch"], request["seed"])
        self.model.train()
        trace = []
        for i in range(request["steps"]):
            self._train_step(data, labels, request["seed"] + i)
            if (i + 1) % request["every"] == 0:
                trace.append([i + 1, process_memory.rss_mib()])
        return {"rss": trace}

    def rss_sample(self, request):
        self.model.eval()
        trace = []
        every = request["every"]

        def on_step(k):
            if k % every == 0:
                trace.append([k, process_memory.rss_mib()])

        self._sample(request["count"], request["steps"], request["guidance"], request["seed"], on_step)
        return {"rss": trace}

    # --- the mirrored generated code ------------------------------------------------------------------------------

    def _batch(self, batch, seed):
        c, s = self.config["in_channels"], self.config["input_size"]
        g = torch.Generator().manual_seed(seed)
        return torch.rand(batch, c, s, s, generator=g) * 2 - 1, torch.randint(0, self.config["classes"], (batch,), generator=g)

    def _train_step(self, x0, labels, seed, split=False):
        """The generated TrainingLoss, then AdamW. With split, the seconds of (forward with loss, backward, AdamW)."""
        self.optimizer.zero_grad(set_to_none=True)
        start = time.perf_counter()
        g = torch.Generator().manual_seed(seed)
        n = x0.shape[0]
        t = torch.randint(0, self.config["timesteps"], (n,), generator=g)
        noise = torch.randn(x0.shape, generator=g)
        sqrt_ab = self.tables["train.sqrt_alphas_cumprod"].index_select(0, t).float().view(n, 1, 1, 1)
        sqrt_1m_ab = self.tables["train.sqrt_one_minus_alphas_cumprod"].index_select(0, t).float().view(n, 1, 1, 1)
        xt = sqrt_ab * x0 + sqrt_1m_ab * noise
        drop = torch.rand(n, generator=g) < self.config["label_drop_rate"]
        y = torch.where(drop, torch.full((n,), self.config["classes"], dtype=torch.int64), labels)
        loss = F.mse_loss(self.model(xt, t, y), noise)
        forward_done = time.perf_counter()
        loss.backward()
        backward_done = time.perf_counter()
        self.optimizer.step()
        if split:
            return forward_done - start, backward_done - forward_done, time.perf_counter() - backward_done
        return loss.item()

    def _sample(self, count, steps, guidance, seed, on_step=None):
        """The generated SampleDdim with eta = 0, classifier-free guidance and static thresholding."""
        prefix = f"ddim{steps}."
        if prefix + "timesteps" not in self.tables:
            raise ValueError(f"no DDIM tables for {steps} steps were exported (have {sorted(self.tables)})")
        timesteps = self.tables[prefix + "timesteps"].tolist()
        sqrt_ab = self.tables[prefix + "sqrt_alphas_cumprod"].tolist()
        sqrt_1m_ab = self.tables[prefix + "sqrt_one_minus_alphas_cumprod"].tolist()
        ab_prev = self.tables[prefix + "alphas_cumprod_prev"].tolist()
        c, s, classes = self.config["in_channels"], self.config["input_size"], self.config["classes"]
        g = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            labels = torch.arange(count, dtype=torch.int64) % classes
            null = torch.full((count,), classes, dtype=torch.int64)
            x = torch.randn(count, c, s, s, generator=g)
            for i in reversed(range(len(timesteps))):
                t = torch.full((count,), timesteps[i], dtype=torch.int64)
                both = self.model(torch.cat([x, x]), torch.cat([t, t]), torch.cat([labels, null]))
                cond, uncond = both.chunk(2)
                eps = uncond + guidance * (cond - uncond)
                x0 = ((x - sqrt_1m_ab[i] * eps) / sqrt_ab[i]).clamp(-1.0, 1.0)
                eps = (x - sqrt_ab[i] * x0) / sqrt_1m_ab[i]
                x = math.sqrt(ab_prev[i]) * x0 + math.sqrt(max(0.0, 1.0 - ab_prev[i])) * eps
                if on_step is not None:
                    on_step(len(timesteps) - i)
        return x


def _package_version(name):
    try:
        return subprocess.run(["dpkg-query", "-W", "-f", "${Version}", name], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", required=True, help="serve JSON-line requests on stdin/stdout")
    parser.add_argument("--threads", type=int, required=True, help="torch.set_num_threads (same as the C# side)")
    args = parser.parse_args()
    peer = Peer(args.threads)
    handlers = {"hello": peer.hello, "load": peer.load, "forward": peer.forward, "matmul": peer.matmul,
                "train": peer.train, "train_split": peer.train_split, "sample": peer.sample, "rss_train": peer.rss_train, "rss_sample": peer.rss_sample}
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        if request.get("cmd") == "quit":
            break
        try:
            handler = handlers.get(request.get("cmd"))
            if handler is None:
                raise ValueError(f"unknown request {request.get('cmd')!r}; known: {sorted(handlers)} and quit")
            answer = handler(request)
        except Exception as e:  # every failure goes back to the C# side as a message, never a dead pipe
            answer = {"error": f"{type(e).__name__}: {e}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
