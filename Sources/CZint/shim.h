#ifndef TAMBON_CZINT_SHIM_H
#define TAMBON_CZINT_SHIM_H
#include <zint.h>
#endif
