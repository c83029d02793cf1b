#include "test.h"

int blah = 999;

int mul(int a, int b ) {
	return a * b;
}

int add(int a, int b ) {
	return a + b;
}

int Cgomul(int a, int b) {
	return goMul(a, b);
}