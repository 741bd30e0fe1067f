/* Mains that go wrong: one returns without submitting, one throws. */
package gust.tests;

public class BadMains {
    public static class NoSubmit {
        public static void main(String[] args) {
            System.out.println("main ran");
        }
    }

    public static class Throws {
        public static void main(String[] args) {
            throw new IllegalArgumentException("no topology today");
        }
    }
}
