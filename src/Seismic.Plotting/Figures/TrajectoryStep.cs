namespace Seismic.Plotting;

/// <summary>One recorded state of a sampling run, drawn as a column of <see cref="SeismicFigures.Trajectory"/>.</summary>
/// <param name="Step">The bridge step n (e.g. 999 at the start of sampling, 0 at the end).</param>
/// <param name="State">The state x_n.</param>
/// <param name="PredictedX0">The network's estimate x0_hat at this step, or null to leave that panel out.</param>
public sealed record TrajectoryStep(int Step, Map2D State, Map2D? PredictedX0 = null);
