#ifndef TAMBON_CSODIUM_SHIM_H
#define TAMBON_CSODIUM_SHIM_H
#include <sodium.h>
#endif
