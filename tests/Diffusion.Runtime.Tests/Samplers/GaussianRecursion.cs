using System;
using Diffusion.Runtime.Schedules;

namespace Diffusion.Runtime.Tests.Samplers;

/// <summary>
/// For Gaussian data N(m, s^2) and the exact noise predictor, one step of DDPM or DDIM is an affine map of x_t plus
/// independent Gaussian noise, so the law of every iterate is Gaussian and its mean and variance follow in closed form.
/// This propagates them in float64, independently of the generated samplers, to give exact expected moments of what
/// a sampler with S steps on the respaced process must produce (discretisation error included).
///
/// With a = sqrt(abar_i), b = sqrt(1 - abar_i), v = abar_i s^2 + 1 - abar_i:
///   eps_hat(x) = b (x - a m) / v                                   (optimal predictor, see GaussianOracle)
///   x0_hat(x)  = (x - b eps_hat(x)) / a                            (SCOPE section 4)
/// DDPM: x' = c1 x0_hat + c2 x + sqrt(beta~_i) z                     (posterior mean and variance, SCOPE section 2)
/// DDIM: x' = sqrt(abar_prev) x0_hat + sqrt(1 - abar_prev - sigma^2) eps_hat + sigma z   (SCOPE section 5)
/// Each is x' = k x + c + n z, so mean' = k mean + c and var' = k^2 var + n^2.
/// </summary>
public static class GaussianRecursion
{
    public static (double Mean, double Variance) Ddpm(NoiseSchedule process, double m, double s)
        => Run(process, m, s, (i, a, b) =>
        {
            double c1 = process.PosteriorMeanCoef1[i], c2 = process.PosteriorMeanCoef2[i];
            double noise = i > 0 ? Math.Sqrt(process.PosteriorVariance[i]) : 0.0;
            return (c1, c2, 0.0, noise);
        });

    public static (double Mean, double Variance) Ddim(NoiseSchedule process, double m, double s, double eta)
        => Run(process, m, s, (i, a, b) =>
        {
            double abar = process.AlphasCumprod[i], abarPrev = process.AlphasCumprodPrev[i];
            double sigma = eta * Math.Sqrt((1 - abarPrev) / (1 - abar)) * Math.Sqrt(1 - abar / abarPrev);
            double epsCoef = Math.Sqrt(Math.Max(0.0, 1 - abarPrev - sigma * sigma));
            double noise = i > 0 ? sigma : 0.0;
            return (Math.Sqrt(abarPrev), 0.0, epsCoef, noise);
        });

    // step(i, a, b) returns (coefficient of x0_hat, coefficient of x, coefficient of eps_hat, noise std).
    private static (double, double) Run(NoiseSchedule process, double m, double s, Func<int, double, double, (double, double, double, double)> step)
    {
        double mean = 0.0, variance = 1.0; // x_T ~ N(0, I)
        for (int i = process.Length - 1; i >= 0; i--)
        {
            double abar = process.AlphasCumprod[i];
            double a = Math.Sqrt(abar), b = Math.Sqrt(1 - abar), v = abar * s * s + 1 - abar;
            // eps_hat = e1 x + e0 ; x0_hat = (x - b eps_hat) / a = q1 x + q0
            double e1 = b / v, e0 = -b * a * m / v;
            double q1 = (1 - b * e1) / a, q0 = -b * e0 / a;
            var (cx0, cx, ceps, noise) = step(i, a, b);
            double k = cx0 * q1 + cx + ceps * e1;
            double c = cx0 * q0 + ceps * e0;
            mean = k * mean + c;
            variance = k * k * variance + noise * noise;
        }
        return (mean, variance);
    }
}
