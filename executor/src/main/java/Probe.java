public class Probe {}
