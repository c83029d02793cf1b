#define SOME_CPP_CONSTANT 5

int mul(int a, int b );
int add(int a, int b );
int Cgomul(int a, int b);
extern int blah; // adapted: "int blah;" is a second definition under gcc -fno-common
extern int goMul(int a, int b);