# Suiveur de ligne pour le Maqueen : le robot roule sur la ligne noire et tourne du côté
# où un capteur voit encore la ligne (0 = noir, 1 = blanc).
# Sur le simulateur : tne run --device sim:maqueen suiveur_de_ligne.py --world piste
from microbit import *
import maqueen

display.show(Image.HEART)
print("départ")
while True:
    gauche = maqueen.line_left()
    droite = maqueen.line_right()
    if gauche == 0 and droite == 0:
        maqueen.motor_run(120, 120)
    elif gauche == 0:
        maqueen.motor_run(20, 120)
    elif droite == 0:
        maqueen.motor_run(120, 20)
    else:
        maqueen.motor_run(120, 120)
    sleep(10)
