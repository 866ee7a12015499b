namespace Seismic.Data.OpenFwi;

/// <summary>
/// The ten OpenFWI velocity-model families ("B" variants are harder than "A"). Each published dataset has one
/// (<see cref="OpenFwiDataset.Family"/>, <see cref="OpenFwiDataset.For"/>); Seismic.Physics generates models of a family.
/// </summary>
public enum VelocityFamily
{
    /// <summary>Horizontal layers, every row constant (OpenFWI FlatVel-A).</summary>
    FlatVelA,
    /// <summary>More horizontal layers with wider contrasts, inversions allowed (FlatVel-B).</summary>
    FlatVelB,
    /// <summary>Layers with gently curved (sinusoidal) interfaces (CurveVel-A).</summary>
    CurveVelA,
    /// <summary>More layers, stronger and two-harmonic curvature (CurveVel-B).</summary>
    CurveVelB,
    /// <summary>Flat layers cut by one fault with a throw (FlatFault-A).</summary>
    FlatFaultA,
    /// <summary>More layers, larger throws, up to two faults (FlatFault-B).</summary>
    FlatFaultB,
    /// <summary>Curved layers cut by one fault (CurveFault-A).</summary>
    CurveFaultA,
    /// <summary>Curved layers, larger throws, up to two faults (CurveFault-B).</summary>
    CurveFaultB,
    /// <summary>Smooth random texture over a depth trend (approximates OpenFWI Style-A, which is made from natural images).</summary>
    StyleA,
    /// <summary>Rougher, stronger random texture (approximates Style-B).</summary>
    StyleB,
}
