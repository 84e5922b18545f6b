using static TorchSharp.torch;

namespace Diffusion.Runtime.Networks;

/// <summary>The reference DiT's fixed position embedding, get_2d_sincos_pos_embed (taken from MAE).</summary>
public static class PositionEmbedding
{
    /// <summary>
    /// The 2-D sine-cosine table (1, T, D), T = grid^2: for token m = i * grid + j (row i, column j) the first D / 2
    /// features embed the column j and the last D / 2 the row i, each as [sin(pos omega_k), cos(pos omega_k)] with
    /// omega_k = 1 / 10000^(k / (D / 4)) (Vaswani et al. 2017, Sec. 3.5). Computed in float64, stored in float32.
    /// </summary>
    /// <param name="grid">Patches per side.</param>
    /// <param name="width">D, a multiple of 4.</param>
    public static Tensor SinCos2d(int grid, int width)
    {
        if (width % 4 != 0) throw new System.ArgumentOutOfRangeException(nameof(width), $"width = {width}; use a multiple of 4.");
        int half = width / 2;       // features per axis
        int quarter = width / 4;    // frequencies per axis
        var table = new float[grid * grid * width];
        for (int i = 0; i < grid; i++)
        {
            for (int j = 0; j < grid; j++)
            {
                int offset = (i * grid + j) * width;
                for (int k = 0; k < quarter; k++)
                {
                    double omega = 1.0 / System.Math.Pow(10000.0, (double)k / quarter);       // omega_k
                    table[offset + k] = (float)System.Math.Sin(j * omega);                    // column j: sin(j omega_k)
                    table[offset + quarter + k] = (float)System.Math.Cos(j * omega);          // column j: cos(j omega_k)
                    table[offset + half + k] = (float)System.Math.Sin(i * omega);             // row i: sin(i omega_k)
                    table[offset + half + quarter + k] = (float)System.Math.Cos(i * omega);   // row i: cos(i omega_k)
                }
            }
        }
        return tensor(table, new long[] { 1, grid * grid, width });
    }
}
