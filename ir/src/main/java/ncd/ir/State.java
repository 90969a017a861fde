package ncd.ir;

/**
 * A value kept between steps. {@code init} computes its first value (from constants, parameters and seeded random
 * sources only); {@code next} computes its value for the next step. Both are nodes of the same graph.
 */
public record State(String name, TensorType type, Node init, Node next) {}
