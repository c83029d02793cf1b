// A second C object with thread-locals: its initialized ones come after
// the first object's .tbss in the module's TLS block.
__thread int t2 = 5;
__thread long t2b;
int bump_t2(void) { t2b += 10; return ++t2 + (int)t2b; }
