/// Ringside's version, shown by `ringside --version` and in recordings.
public enum RingsideVersion {
    public static let string = "0.1.0"
}
